package dev.corral.client;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * A real {@code corrald} ({@code $corral.home/bin/corrald}) on a scratch {@code CORRAL_DIR}, with the test hooks
 * ({@code CORRAL_TEST_HOOKS=1}), for one test class. The minimal part of systests' {@code Corrald}: started before
 * the first test and awaited until {@code GET /} answers; after the last test it is stopped (SIGTERM, then SIGKILL),
 * every container left under {@code $CORRAL_DIR/containers} is killed with {@code lxc-stop -k} (containers outlive
 * corrald), and the directory is deleted. A shutdown hook does the same if the JVM ends first.
 */
final class CorraldProcess implements BeforeAllCallback, AfterAllCallback, TestWatcher {

    static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final int STOP_GRACE_SECONDS = 5;
    private static final int LXC_STOP_SECONDS = 30;

    private Path dir;
    private Path log;
    private Process process;
    private Thread cleanup;

    /** The distribution: {@code packaging/target/corral} (the surefire configuration sets it). */
    static Path home() {
        String home = System.getProperty("corral.home");
        if (home == null || home.isBlank()) {
            throw new AssertionError("system property corral.home is not set (client's surefire configuration sets it "
                    + "to packaging/target/corral)");
        }
        return Path.of(home).toAbsolutePath();
    }

    /** The busybox image of the distribution (a unified image). */
    static Path busyboxImage() {
        return home().resolve("images/busybox.tar.gz");
    }

    Path socket() {
        return dir.resolve("unix.socket");
    }

    Path dir() {
        return dir;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        Path bin = home().resolve("bin/corrald");
        if (!Files.isExecutable(bin)) {
            throw new AssertionError(bin + " is missing: build the distribution first (mvn install at the root builds "
                    + "packaging before client)");
        }
        Path logs = Path.of(System.getProperty("corral.logs", "target/corrald-logs")).toAbsolutePath();
        Files.createDirectories(logs);
        log = logs.resolve(context.getRequiredTestClass().getSimpleName() + "-corrald.log");
        dir = Files.createTempDirectory("corral-client-test-");
        Path scratch = dir;
        cleanup = new Thread(() -> {
            kill();
            stopContainers(scratch);
            deleteRecursively(scratch);
        }, "corrald-test-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        ProcessBuilder pb = new ProcessBuilder(bin.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().put("CORRAL_DIR", dir.toString());
        pb.environment().put("CORRAL_TEST_HOOKS", "1");
        process = pb.start();
        awaitReady();
    }

    private void awaitReady() throws InterruptedException, IOException {
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new AssertionError("corrald exited with " + process.exitValue() + "; log " + log + ":\n"
                        + tail());
            }
            if (Files.exists(socket()) && answers()) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("corrald did not answer on " + socket() + " within " + START_TIMEOUT + ":\n" + tail());
    }

    /** {@code curl} is the simplest probe that needs no client of ours. */
    private boolean answers() throws IOException, InterruptedException {
        Process curl = new ProcessBuilder("curl", "-sf", "-o", "/dev/null", "--max-time", "2", "--unix-socket",
                socket().toString(), "http://corral/").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return curl.waitFor(5, TimeUnit.SECONDS) && curl.exitValue() == 0;
    }

    @Override
    public void afterAll(ExtensionContext context) {
        kill();
        if (dir != null) {
            stopContainers(dir);
            deleteRecursively(dir);
            dir = null;
        }
        if (cleanup != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs anyway and finds nothing left
            }
        }
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        System.err.println("---- corrald log tail (" + context.getDisplayName() + " failed) ----\n" + tail());
    }

    private synchronized void kill() {
        if (process == null) {
            return;
        }
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(STOP_GRACE_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(STOP_GRACE_SECONDS, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        process = null;
    }

    /** {@code lxc-stop -k} for every container under {@code <dir>/containers}; never throws. */
    static void stopContainers(Path corralDir) {
        Path lxcpath = corralDir.resolve("containers");
        if (!Files.isDirectory(lxcpath)) {
            return;
        }
        try (Stream<Path> entries = Files.list(lxcpath)) {
            for (Path container : entries.filter(Files::isDirectory).toList()) {
                Process stop = new ProcessBuilder("lxc-stop", "-k", "-P", lxcpath.toString(), "-n",
                        container.getFileName().toString()).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                if (!stop.waitFor(LXC_STOP_SECONDS, TimeUnit.SECONDS)) {
                    stop.destroyForcibly();
                    System.err.println("lxc-stop -k " + container + " did not finish");
                }
            }
        } catch (IOException e) {
            System.err.println("cannot stop the containers under " + lxcpath + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root, e);
        }
    }

    String tail() {
        if (log == null || !Files.exists(log)) {
            return "";
        }
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }
}
