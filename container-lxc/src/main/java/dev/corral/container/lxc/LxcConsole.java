package dev.corral.container.lxc;

import dev.corral.instance.DriverException;
import dev.corral.instance.ExecSink;
import dev.corral.instance.InstanceConsole;
import dev.corral.instance.InstanceSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.channels.FileChannel;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The console of LXC containers ({@code lxc.console.*} in the config {@link LxcConfig} writes: a ring buffer and
 * {@code console.log} in the log directory).
 *
 * <p>Attaching asks the container's monitor, over its command socket, for a terminal it proxies to the console
 * ({@code console_getfd}, which is what {@code lxc-console} does too): nothing forks, neither the JVM nor a helper.
 * The monitor serves one such client at a time; the session ({@link LxcConsoleSession}) holds it until closed.
 * Detaching closes both descriptors and leaves the container running.
 *
 * <p>The log of a running container is the monitor's ring buffer, read through the same socket (a read consumes
 * what it returns, as for Incus); a stopped container's is its {@code console.log} file.
 */
final class LxcConsole implements InstanceConsole {

    static final String LOG_FILE = "console.log";

    private final Path lxcpath;
    private final Function<InstanceSpec, Path> logDir;
    private final ExecutorService io;

    /** @param logDir where a spec's logs are (the driver's rule) */
    LxcConsole(Path lxcpath, Function<InstanceSpec, Path> logDir) {
        this.lxcpath = lxcpath;
        this.logDir = logDir;
        AtomicInteger counter = new AtomicInteger();
        this.io = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "corral-console-io-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    public ConsoleSession attach(InstanceSpec spec, int width, int height, ExecSink output) {
        LxcContainer.ConsoleFds fds;
        try (LxcContainer c = LxcContainer.open(spec.ref().backendName(), lxcpath)) {
            if (!c.isRunning()) {
                throw new DriverException("Instance is not running");
            }
            fds = c.consoleGetFd();
        }
        return LxcConsoleSession.start(fds, width, height, output, io);
    }

    @Override
    public byte[] log(InstanceSpec spec) throws IOException {
        try (LxcContainer c = LxcContainer.open(spec.ref().backendName(), lxcpath)) {
            if (c.isRunning()) {
                return c.consoleLog(true, false);
            }
        }
        Path file = logDir.apply(spec).resolve(LOG_FILE);
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return new byte[0];
        }
        return Files.readAllBytes(file);
    }

    @Override
    public void clearLog(InstanceSpec spec) throws IOException {
        try (LxcContainer c = LxcContainer.open(spec.ref().backendName(), lxcpath)) {
            if (c.isRunning()) {
                c.consoleLog(false, true);
                return;
            }
        }
        Path file = logDir.apply(spec).resolve(LOG_FILE);
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new NoSuchFileException(LOG_FILE);
        }
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("The console log is not a regular file");
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
            channel.truncate(0);
        }
    }
}
