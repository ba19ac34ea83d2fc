package dev.corral.hypervisor.kvm;

import dev.corral.instance.DriverException;
import dev.corral.instance.ExecSink;
import dev.corral.instance.InstanceConsole;
import dev.corral.instance.InstanceSpec;
import dev.corral.instance.InstanceStatus;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;

/**
 * The serial console of a VM. Attaching opens the domain's console stream ({@code virDomainOpenConsole} through
 * JNA, {@link ConsoleStream}); one thread per session moves output to the client and queued input to the guest.
 * The log is the file virtlogd writes everything the serial port printed to, from the first byte of firmware output
 * ({@code <log file=...>} in the domain). As in Incus, the log is kept from the last start ({@code console.log.old}
 * keeps the one before) and every read returns all of it.
 */
final class VmConsole implements InstanceConsole {

    private static final int RELEASE_ATTEMPTS = 30;
    private static final long RELEASE_PAUSE_MILLIS = 100;

    /** Input the guest has not taken yet above which {@link ConsoleSession#write} refuses more. */
    private static final int MAX_BACKLOG = 1 << 20;

    private final LibvirtDriver driver;

    VmConsole(LibvirtDriver driver) {
        this.driver = driver;
    }

    /** Before a start: the previous run's log becomes {@code console.log.old}, as Incus rotates it. */
    static void rotateLog(InstanceSpec spec) throws IOException {
        Path log = logFile(spec);
        if (Files.exists(log)) {
            Files.move(log, log.resolveSibling("console.log.old"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * Opens the console, retrying for a moment while libvirt still holds a session we have just closed (it releases
     * it asynchronously). One session at a time is the console endpoint's rule, so a held console here is stale.
     */
    private ConsoleStream openWhenReleased(String domain) {
        for (int attempt = 1; ; attempt++) {
            try {
                return ConsoleStream.open(driver.uri(), domain, false);
            } catch (DriverException e) {
                if (attempt >= RELEASE_ATTEMPTS || e.getMessage() == null
                        || !e.getMessage().contains("Active console session exists")) {
                    throw e;
                }
            }
            try {
                Thread.sleep(RELEASE_PAUSE_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DriverException("interrupted while opening the console of " + domain);
            }
        }
    }

    @Override
    public ConsoleSession attach(InstanceSpec spec, int width, int height, ExecSink output) {
        if (driver.status(spec.ref()) == InstanceStatus.STOPPED) {
            throw new DriverException("The instance isn't running");
        }
        ConsoleStream stream = openWhenReleased(driver.domainName(spec.ref()));
        Session session = new Session(stream, output);
        Thread thread = new Thread(session::pump, "corral-vm-console-" + spec.ref().backendName());
        thread.setDaemon(true);
        thread.start();
        return session;
    }

    @Override
    public byte[] log(InstanceSpec spec) throws IOException {
        Path log = logFile(spec);
        return Files.exists(log) ? Files.readAllBytes(log) : new byte[0];
    }

    /** Empties the log; virtlogd appends, so a running VM's next output lands at the start of the emptied file. */
    @Override
    public void clearLog(InstanceSpec spec) throws IOException {
        Path log = logFile(spec);
        if (!Files.exists(log)) {
            throw new NoSuchFileException(log.toString());
        }
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "rw")) {
            file.setLength(0);
        }
    }

    private static Path logFile(InstanceSpec spec) {
        return spec.logDir().resolve("console.log");
    }

    /** One attached console: a thread moves output out and queued input in until the stream ends or is closed. */
    private static final class Session implements ConsoleSession {

        private final ConsoleStream stream;
        private final ExecSink output;
        private final ArrayDeque<byte[]> input = new ArrayDeque<>();
        private int backlog;
        private int offset;
        private volatile boolean ended;

        Session(ConsoleStream stream, ExecSink output) {
            this.stream = stream;
            this.output = output;
        }

        void pump() {
            try {
                while (!ended) {
                    byte[] data = stream.read();
                    if (data == null) {
                        break;
                    }
                    boolean idle = data.length == 0;
                    if (!idle) {
                        output.write(data);
                    }
                    idle &= !sendSome();
                    if (idle) {
                        Thread.sleep(10);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                ended = true;
                stream.close();
                output.end();
            }
        }

        /** Sends what is queued, as far as the stream takes it; true when something went. */
        private boolean sendSome() {
            boolean sent = false;
            while (true) {
                byte[] next;
                synchronized (input) {
                    next = input.peek();
                }
                if (next == null) {
                    return sent;
                }
                int n = stream.write(next, offset);
                if (n <= 0) {
                    if (n < 0) {
                        ended = true;
                    }
                    return sent;
                }
                sent = true;
                offset += n;
                if (offset >= next.length) {
                    synchronized (input) {
                        input.poll();
                        backlog -= next.length;
                    }
                    offset = 0;
                }
            }
        }

        @Override
        public boolean write(byte[] data) {
            if (ended) {
                return true;
            }
            synchronized (input) {
                if (backlog + data.length > MAX_BACKLOG) {
                    return false;
                }
                input.add(data.clone());
                backlog += data.length;
            }
            return true;
        }

        @Override
        public void resize(int width, int height) {
            // a serial port has no size
        }

        @Override
        public boolean ended() {
            return ended;
        }

        @Override
        public void close() {
            ended = true;
        }
    }
}
