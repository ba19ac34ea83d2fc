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
 * output is captured by the agent and delivered when the command ends (not streamed); there is no standard input
 * (input is dropped) and no terminal (a terminal session gets the output with CRLF line ends); other users than root
 * are refused. Signals are sent with {@code kill} inside the guest.
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
        long pid;
        try {
            pid = agent.call(spec.ref(), "guest-exec", args).path("pid").asLong(-1);
        } catch (GuestAgent.AgentError e) {
            // The agent could not spawn it: not found (127) or not executable (126), as a shell would say.
            int status = e.getMessage().contains("Permission denied") ? 126 : 127;
            AgentProcess done = new AgentProcess(this, spec, -1, io);
            done.finish(status, new byte[0], (request.command().get(0) + ": " + e.getMessage() + "\n")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return done;
        }
        if (pid < 0) {
            throw new DriverException("the guest agent started the command but reported no pid");
        }
        AgentProcess process = new AgentProcess(this, spec, pid, io);
        Thread poller = new Thread(process::poll, "corral-vm-exec-" + pid);
        poller.setDaemon(true);
        poller.start();
        return process;
    }

    GuestAgent agent() {
        return agent;
    }

    /** One command started through {@code guest-exec}, polled with {@code guest-exec-status} until it ends. */
    static final class AgentProcess implements ExecProcess {

        private final AgentExec exec;
        private final InstanceSpec spec;
        private final long pid;
        private final ExecIo io;
        private final CountDownLatch done = new CountDownLatch(1);
        private volatile int status = -1;
        private volatile DriverException failure;
        private volatile boolean closed;

        AgentProcess(AgentExec exec, InstanceSpec spec, long pid, ExecIo io) {
            this.exec = exec;
            this.spec = spec;
            this.pid = pid;
            this.io = io;
        }

        void poll() {
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
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure = new DriverException("interrupted", e);
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

        @Override
        public boolean write(byte[] data) {
            return true; // the guest agent has no standard input for a running command: dropped
        }

        @Override
        public void closeInput() {
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
