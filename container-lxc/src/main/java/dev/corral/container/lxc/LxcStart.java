package dev.corral.container.lxc;

import dev.corral.instance.DriverException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts containers in a child process, {@code lxc-start -n <name> -P <lxcpath>}, never inside the JVM (DESIGN §4:
 * liblxc's {@code start()} moves the caller into the container's monitor cgroup and keeps a forked copy of the
 * caller as monitor). lxc-start daemonizes: its monitor is re-parented to init, detached from the JVM (stdio on
 * /dev/null, own cgroup), so containers outlive the daemon; lxc-start itself exits once the container reached
 * RUNNING or failed to.
 *
 * <p>Logs, in the instance's log directory: {@code lxc.log} (liblxc's, from {@code lxc.log.file}; the previous
 * start's is kept as {@code lxc.log.old}) and {@code lxc-start.log} (the tool's own output).
 */
final class LxcStart {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final int TAIL_LINES = 25;

    private final Path lxcpath;
    private final Path binary;

    LxcStart(Path lxcpath) {
        this.lxcpath = lxcpath;
        this.binary = findExecutable("lxc-start");
    }

    /** Runs lxc-start for {@code name}, logs going to {@code logDir}; the exit code (0: the container runs). */
    int run(String name, Path logDir) {
        if (binary == null) {
            throw new DriverException("lxc-start not found (install Debian package lxc)");
        }
        Path lxcLog = logDir.resolve("lxc.log");
        try {
            if (Files.exists(lxcLog) && Files.size(lxcLog) > 0) {
                Files.move(lxcLog, logDir.resolve("lxc.log.old"), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new DriverException("cannot rotate " + lxcLog + ": " + e.getMessage(), e);
        }
        Path startLog = logDir.resolve("lxc-start.log");
        ProcessBuilder pb = new ProcessBuilder(binary.toString(), "-n", name, "-P", lxcpath.toString())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectErrorStream(true)
                .redirectOutput(startLog.toFile());
        pb.environment().clear(); // nothing of the daemon's environment reaches LXC hooks
        pb.environment().put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new DriverException("cannot run " + binary + ": " + e.getMessage(), e);
        }
        try {
            if (!p.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new DriverException("lxc-start of " + name + " did not return within " + TIMEOUT.toSeconds()
                        + "s" + logs(logDir));
            }
            return p.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DriverException("interrupted while starting " + name, e);
        }
    }

    /** The tails of lxc-start's output and of liblxc's log, for an error message. */
    static String logs(Path logDir) {
        return tail("lxc-start", logDir.resolve("lxc-start.log")) + tail("lxc.log", logDir.resolve("lxc.log"));
    }

    private static String tail(String label, Path file) {
        try {
            if (!Files.exists(file)) {
                return "";
            }
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            if (lines.isEmpty()) {
                return "";
            }
            List<String> last = lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size());
            return "\n--- " + label + " (" + file + ", last " + last.size() + " lines):\n" + String.join("\n", last);
        } catch (IOException | UncheckedIOException e) {
            return "\n(cannot read " + file + ": " + e.getMessage() + ")";
        }
    }

    private static Path findExecutable(String name) {
        String path = System.getenv().getOrDefault("PATH", "") + ":/usr/bin:/bin:/usr/local/bin";
        for (String d : path.split(":")) {
            if (!d.isEmpty()) {
                Path p = Path.of(d, name);
                if (Files.isExecutable(p)) {
                    return p.toAbsolutePath();
                }
            }
        }
        return null;
    }
}
