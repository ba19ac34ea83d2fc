package dev.corral.hypervisor.kvm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.corral.instance.DriverException;
import dev.corral.instance.Exec;
import dev.corral.instance.ExecIo;
import dev.corral.instance.ExecProcess;
import dev.corral.instance.ExecRequest;
import dev.corral.instance.ExecSink;
import dev.corral.instance.InstanceSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Exec inside a VM through qemu-guest-agent's {@code guest-exec}: the command runs with the requested environment
 * in the requested working directory (through {@code /bin/sh}), as root. What the agent allows and what it does not:
 * output is captured by the agent and delivered when the command ends (not streamed); standard input is taken whole
 * before the command starts (what the client sends until it closes input; a client that sends nothing for
 * {@link #INPUT_GRACE} gets none); there is no terminal (a terminal session gets the output with CRLF line ends);
 * other users than root are refused. Signals are sent with {@code kill} inside the guest.
 */
final class AgentExec implements Exec {

    private final LibvirtDriver driver;
    private final GuestAgent agent;

    AgentExec(LibvirtDriver driver) {
        this.driver = driver;
        this.agent = new GuestAgent(driver);
    }

    @Override
    public ExecProcess start(InstanceSpec spec, ExecRequest request, ExecIo io) {
        if (request.user() != 0 || request.group() != 0) {
            throw new DriverException("Running commands as another user than root is not supported in virtual "
                    + "machines yet");
        }
        ObjectNode args = GuestAgent.args();
        ArrayNode argv = args.putArray("arg");
        if (request.cwd().equals("/")) {
            args.put("path", request.command().get(0));
            request.command().subList(1, request.command().size()).forEach(argv::add);
        } else {
            args.put("path", "/bin/sh");
            argv.add("-c").add("cd -- \"$0\" 2>/dev/null || cd /; exec \"$@\"").add(request.cwd());
            request.command().forEach(argv::add);
        }
        ArrayNode env = args.putArray("env");
        for (Map.Entry<String, String> e : request.environment().entrySet()) {
            env.add(e.getKey() + "=" + e.getValue());
        }
        args.put("capture-output", !(io instanceof ExecIo.Files files) || files.stdout() != null
                || files.stderr() != null);
        // Whether the agent answers at all: a VM without a running agent fails here, at once.
        agent.call(spec.ref(), "guest-ping", null);
        AgentProcess process = new AgentProcess(this, spec, io, args, request.command().get(0));
        Thread runner = new Thread(process::run, "corral-vm-exec-" + spec.ref().backendName());
        runner.setDaemon(true);
        runner.start();
        return process;
    }

    GuestAgent agent() {
        return agent;
    }

    /** How long a command waits for input that does not come before it runs without any. */
    static final java.time.Duration INPUT_GRACE = java.time.Duration.ofMillis(300);
    /** The most standard input a command takes (the agent gets it whole, in one JSON message). */
    static final int MAX_INPUT = 16 << 20;

    /** One command started through {@code guest-exec}, polled with {@code guest-exec-status} until it ends. */
    static final class AgentProcess implements ExecProcess {

        private final AgentExec exec;
        private final InstanceSpec spec;
        private final ExecIo io;
        private final ObjectNode args;
        private final String program;
        private final CountDownLatch done = new CountDownLatch(1);
        private final java.io.ByteArrayOutputStream input = new java.io.ByteArrayOutputStream();
        private boolean inputClosed;
        private boolean launched;
        private volatile long pid = -1;
        private volatile int status = -1;
        private volatile DriverException failure;
        private volatile boolean closed;

        AgentProcess(AgentExec exec, InstanceSpec spec, ExecIo io, ObjectNode args, String program) {
            this.exec = exec;
            this.spec = spec;
            this.io = io;
            this.args = args;
            this.program = program;
        }

        /**
         * Waits for the command's input (the agent takes it whole, at the start): until it is closed, or
         * {@link #INPUT_GRACE} passed without any (a client that sends nothing), then runs the command and follows
         * it to its end.
         */
        void run() {
            try {
                if (io instanceof ExecIo.Pipes) {
                    awaitInput();
                }
                if (closed) {
                    failure = new DriverException("closed before the command ran");
                    endSinks();
                    done.countDown();
                    return;
                }
                byte[] data;
                synchronized (this) {
                    launched = true;
                    data = input.toByteArray();
                }
                if (data.length > 0) {
                    args.put("input-data", Base64.getEncoder().encodeToString(data));
                }
                try {
                    pid = exec.agent.call(spec.ref(), "guest-exec", args).path("pid").asLong(-1);
                } catch (GuestAgent.AgentError e) {
                    // The agent could not spawn it: not found (127) or not executable (126), as a shell would say.
                    finish(e.getMessage().contains("Permission denied") ? 126 : 127, new byte[0],
                            (program + ": " + e.getMessage() + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    return;
                }
                if (pid < 0) {
                    throw new DriverException("the guest agent started the command but reported no pid");
                }
                poll();
            } catch (DriverException e) {
                failure = new DriverException("the command could not be run: " + e.getMessage(), e);
                endSinks();
                done.countDown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure = new DriverException("interrupted", e);
                endSinks();
                done.countDown();
            }
        }

        private synchronized void awaitInput() throws InterruptedException {
            long deadline = System.nanoTime() + INPUT_GRACE.toNanos();
            while (!inputClosed && !closed) {
                long left = deadline - System.nanoTime();
                if (input.size() == 0 && left <= 0) {
                    return;
                }
                wait(input.size() == 0 ? Math.max(1, left / 1_000_000) : 100);
            }
        }

        private void poll() throws InterruptedException {
            long delay = 20;
            try {
                while (!closed) {
                    JsonNode s = exec.agent.call(spec.ref(), "guest-exec-status", GuestAgent.args().put("pid", pid));
                    if (s.path("exited").asBoolean(false)) {
                        int code = s.has("signal") ? 128 + s.path("signal").asInt() : s.path("exitcode").asInt(0);
                        finish(code, decode(s.path("out-data")), decode(s.path("err-data")));
                        return;
                    }
                    Thread.sleep(delay);
                    delay = Math.min(250, delay * 2);
                }
            } catch (DriverException | GuestAgent.AgentError e) {
                failure = new DriverException("the command could not be followed: " + e.getMessage(), e);
                endSinks();
                done.countDown();
            }
        }

        void finish(int code, byte[] out, byte[] err) {
            try {
                deliver(out, err);
            } finally {
                status = code;
                done.countDown();
            }
        }

        private void deliver(byte[] out, byte[] err) {
            if (io instanceof ExecIo.Pipes pipes) {
                write(pipes.stdout(), out);
                write(pipes.stderr(), err);
                pipes.stdout().end();
                pipes.stderr().end();
            } else if (io instanceof ExecIo.Terminal terminal) {
                write(terminal.output(), crlf(out));
                write(terminal.output(), crlf(err));
                terminal.output().end();
            } else if (io instanceof ExecIo.Files files) {
                try {
                    if (files.stdout() != null) {
                        Files.write(files.stdout(), out);
                    }
                    if (files.stderr() != null) {
                        Files.write(files.stderr(), err);
                    }
                } catch (IOException e) {
                    failure = new DriverException("cannot write the command's output: " + e.getMessage(), e);
                }
            }
        }

        private void endSinks() {
            if (io instanceof ExecIo.Pipes pipes) {
                pipes.stdout().end();
                pipes.stderr().end();
            } else if (io instanceof ExecIo.Terminal terminal) {
                terminal.output().end();
            }
        }

        private static void write(ExecSink sink, byte[] data) {
            if (data.length > 0) {
                sink.write(data);
            }
        }

        private static byte[] crlf(byte[] data) {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(data.length + 64);
            byte previous = 0;
            for (byte b : data) {
                if (b == '\n' && previous != '\r') {
                    out.write('\r');
                }
                out.write(b);
                previous = b;
            }
            return out.toByteArray();
        }

        private static byte[] decode(JsonNode data) {
            return data.isTextual() ? Base64.getDecoder().decode(data.asText()) : new byte[0];
        }

        /**
         * Input before the command runs is its standard input (up to {@link #MAX_INPUT}); once it runs, the agent
         * takes no more and further input is dropped.
         */
        @Override
        public synchronized boolean write(byte[] data) {
            if (launched || inputClosed) {
                return true;
            }
            if (input.size() + data.length > MAX_INPUT) {
                return false;
            }
            input.writeBytes(data);
            notifyAll();
            return true;
        }

        @Override
        public synchronized void closeInput() {
            inputClosed = true;
            notifyAll();
        }

        @Override
        public void resize(int width, int height) {
        }

        @Override
        public void signal(int signal) {
            if (pid < 0 || done.getCount() == 0) {
                return;
            }
            ObjectNode args = GuestAgent.args().put("path", "kill");
            args.putArray("arg").add("-" + signal).add(Long.toString(pid));
            try {
                exec.agent.call(spec.ref(), "guest-exec", args);
            } catch (DriverException | GuestAgent.AgentError e) {
                // it ended, or the VM went away: nothing to signal
            }
        }

        @Override
        public void kill() {
            signal(9);
        }

        @Override
        public int waitFor() throws InterruptedException {
            done.await();
            if (failure != null) {
                throw failure;
            }
            return status;
        }

        @Override
        public boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException {
            return done.await(timeout, unit);
        }

        @Override
        public void close() {
            synchronized (this) {
                closed = true;
                notifyAll();
            }
            if (done.getCount() > 0) {
                kill();
                try {
                    done.await(2, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            closed = true;
        }
    }
}
