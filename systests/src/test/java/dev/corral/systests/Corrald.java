package dev.corral.systests;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * A real {@code corrald} process on a fresh scratch {@code CORRAL_DIR}, for one test class.
 *
 * <pre>
 * &#64;RegisterExtension
 * static final Corrald corrald = Corrald.create();            // or Corrald.create().withTestHooks()
 * </pre>
 *
 * <p>Started before the class's first test: {@code $corral.home/bin/corrald} with {@code CORRAL_DIR} set, waited for
 * (bounded) until {@code GET /} answers 200 on {@code $CORRAL_DIR/unix.socket}; its stdout and stderr go to
 * {@code $corral.logs/<TestClass>-corrald.log}, whose tail is printed when a test fails. Stopped after the last test
 * with SIGTERM (SIGKILL after {@value #STOP_GRACE_SECONDS} s); then every container still running under
 * {@code $CORRAL_DIR/containers} (containers outlive corrald: their LXC monitors are not its children) is killed with
 * {@code lxc-stop -k}, and the scratch directory is deleted. A JVM shutdown hook does the same when the test JVM
 * ends before {@code afterAll} (e.g. surefire's fork timeout), so no container leaks into later runs.
 *
 * <p>With the system property {@code corral.socket} set, nothing is started: the tests talk to the daemon already
 * listening there (for example the real Incus, {@code -Dcorral.socket=/var/lib/incus/unix.socket}), which proves
 * they test the real protocol. Tests that need a daemon of their own call {@link #assumeCorrald(String)}.
 *
 * <p>Not thread-safe: start, restart and stop from the test thread only.
 */
public final class Corrald implements BeforeAllCallback, AfterAllCallback, TestWatcher, AutoCloseable {

    /** System property: an existing daemon's socket; when set no corrald is started. */
    public static final String SOCKET_PROPERTY = "corral.socket";
    /** System property: the distribution directory holding {@code bin/corrald}. */
    public static final String HOME_PROPERTY = "corral.home";
    /** System property: where daemon logs go (default {@code target/corrald-logs}). */
    public static final String LOGS_PROPERTY = "corral.logs";

    static final Duration START_TIMEOUT = Duration.ofSeconds(20);
    static final int STOP_GRACE_SECONDS = 5;
    /** Bound on one {@code lxc-stop -k} (it returns once init is gone). */
    static final int LXC_STOP_SECONDS = 30;
    static final Path LXC_STOP = Path.of("/usr/bin/lxc-stop");
    private static final int LOG_TAIL_LINES = 80;

    private final Map<String, String> env;
    private final Path externalSocket;
    private Path dir;
    private Path log;
    private Process process;
    private Thread shutdownHook;
    private Thread cleanupHook;
    private boolean lastStopGraceful = true;

    private Corrald(Map<String, String> env) {
        this.env = env;
        String socket = System.getProperty(SOCKET_PROPERTY, "").trim();
        this.externalSocket = socket.isEmpty() ? null : Path.of(socket).toAbsolutePath();
    }

    /** A daemon with the default environment (plus {@code CORRAL_DIR}). */
    public static Corrald create() {
        return new Corrald(Map.of());
    }

    /** The same, with the test-only endpoints enabled ({@code CORRAL_TEST_HOOKS=1}). */
    public Corrald withTestHooks() {
        return withEnv("CORRAL_TEST_HOOKS", "1");
    }

    /** The same, with one more environment variable for the daemon. */
    public Corrald withEnv(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(env);
        more.put(name, value);
        return new Corrald(Map.copyOf(more));
    }

    /** True when the tests talk to an existing daemon ({@code -Dcorral.socket=...}) instead of their own corrald. */
    public boolean isExternal() {
        return externalSocket != null;
    }

    /** Skips the calling test when the tests talk to an existing daemon (such as the real Incus). */
    public void assumeCorrald(String why) {
        Assumptions.assumeFalse(isExternal(), () -> "needs a corrald started by the tests (" + why + "); "
                + SOCKET_PROPERTY + "=" + externalSocket);
    }

    /** The daemon's unix socket. */
    public Path socket() {
        return isExternal() ? externalSocket : dir.resolve("unix.socket");
    }

    /** The daemon's directory: the scratch {@code CORRAL_DIR}, or the external socket's directory. */
    public Path dir() {
        return isExternal() ? externalSocket.getParent() : dir;
    }

    /** The LXC path of the daemon's containers: {@code $CORRAL_DIR/containers/<name>/config}. */
    public Path containersDir() {
        return dir().resolve("containers");
    }

    /**
     * Kills a container behind the daemon's back ({@code lxc-stop -k -P <containersDir> -n <name>}), as a crash or
     * an administrator would; returns lxc-stop's exit status (0 stopped, 2 it was not running).
     */
    public int lxcStopBehindTheDaemonsBack(String name) throws IOException, InterruptedException {
        assumeCorrald("kills a container under the daemon's own lxcpath");
        return lxcStop(containersDir(), name);
    }

    /** The started process (absent for an external daemon or before start). */
    public Optional<ProcessHandle> process() {
        return Optional.ofNullable(process).map(Process::toHandle);
    }

    /** Whether the last stop ended the daemon with SIGTERM alone (no SIGKILL needed). */
    public boolean lastStopGraceful() {
        return lastStopGraceful;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        start(context.getRequiredTestClass().getSimpleName());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        if (log != null) {
            System.err.println("---- last lines of " + log + " (test " + context.getDisplayName() + " failed) ----");
            System.err.println(logTail(LOG_TAIL_LINES));
            System.err.println("---- end of corrald log ----");
        }
    }

    /** Creates the scratch directory and starts the daemon; a no-op for an external daemon. */
    public void start(String name) throws IOException, InterruptedException {
        if (isExternal()) {
            awaitReady(null);
            return;
        }
        if (process != null) {
            throw new IllegalStateException("corrald already started");
        }
        corraldBinary(); // fail before creating anything when there is no distribution
        Path logs = Path.of(System.getProperty(LOGS_PROPERTY, "target/corrald-logs")).toAbsolutePath();
        Files.createDirectories(logs);
        log = logs.resolve(name + "-corrald.log");
        Files.deleteIfExists(log);
        dir = Files.createTempDirectory("corral-test-");
        Path scratch = dir;
        cleanupHook = new Thread(() -> {
            stopContainers(scratch);
            deleteRecursively(scratch);
        }, "corral-scratch-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanupHook);
        launch();
    }

    /** Stops the daemon and starts it again on the same directory (proves persistence). */
    public void restart() throws IOException, InterruptedException {
        restart(() -> { });
    }

    /** Something to do while the daemon is down (e.g. kill a container behind its back). */
    @FunctionalInterface
    public interface WhileStopped {
        void run() throws IOException, InterruptedException;
    }

    /** Stops the daemon, runs {@code whileStopped}, and starts the daemon again on the same directory. */
    public void restart(WhileStopped whileStopped) throws IOException, InterruptedException {
        assumeCorrald("restart");
        stopProcess();
        whileStopped.run();
        launch();
    }

    private void launch() throws IOException, InterruptedException {
        Path bin = corraldBinary();
        ProcessBuilder pb = new ProcessBuilder(bin.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().put("CORRAL_DIR", dir.toString());
        pb.environment().putAll(env);
        Files.writeString(log, "==== " + Instant.now() + " starting " + bin + " with CORRAL_DIR=" + dir + " "
                + env + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        process = pb.start();
        Process started = process;
        shutdownHook = new Thread(() -> {
            started.descendants().forEach(ProcessHandle::destroyForcibly);
            started.destroyForcibly();
        }, "corrald-killer");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        try {
            awaitReady(process);
        } catch (AssertionError | IOException | RuntimeException e) {
            System.err.println("---- last lines of " + log + " ----\n" + logTail(LOG_TAIL_LINES));
            stopProcess();
            throw e;
        }
    }

    private static Path corraldBinary() {
        String home = System.getProperty(HOME_PROPERTY);
        if (home == null || home.isBlank()) {
            throw new AssertionError("system property " + HOME_PROPERTY + " is not set (the surefire configuration of "
                    + "systests sets it to packaging/target/corral); or set " + SOCKET_PROPERTY
                    + " to test an already running daemon");
        }
        Path bin = Path.of(home, "bin", "corrald").toAbsolutePath();
        if (!Files.isExecutable(bin)) {
            throw new AssertionError(bin + " does not exist or is not executable: build the distribution first "
                    + "(mvn package at the root builds packaging before systests)");
        }
        return bin;
    }

    /** Polls {@code GET /} until it answers 200, the process dies, or {@link #START_TIMEOUT} passes. */
    private void awaitReady(Process p) throws InterruptedException, IOException {
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        Exception last = null;
        while (Instant.now().isBefore(deadline)) {
            if (p != null && !p.isAlive()) {
                throw new AssertionError("corrald exited with status " + p.exitValue() + " before answering on "
                        + socket() + "; log: " + log);
            }
            if (Files.exists(socket())) {
                try {
                    UnixHttp.Response r = UnixHttp.get(socket(), "/");
                    if (r.status() == 200) {
                        return;
                    }
                    last = new IOException("GET / answered " + r.status() + ": " + r.body());
                } catch (IOException e) {
                    last = e;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no answer to GET / on " + socket() + " within " + START_TIMEOUT.toSeconds()
                + " s" + (last == null ? " (socket never appeared)" : ": " + last), last);
    }

    private void stopProcess() throws InterruptedException {
        if (process == null) {
            return;
        }
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        process.destroy(); // SIGTERM
        lastStopGraceful = process.waitFor(STOP_GRACE_SECONDS, TimeUnit.SECONDS);
        if (!lastStopGraceful) {
            System.err.println("corrald (pid " + process.pid() + ") still running " + STOP_GRACE_SECONDS
                    + " s after SIGTERM: killing it");
            process.destroyForcibly();
            process.waitFor(STOP_GRACE_SECONDS, TimeUnit.SECONDS);
        }
        for (ProcessHandle child : tree) { // whatever it started and left behind (e.g. a launcher without exec)
            if (child.isAlive()) {
                child.destroy();
                try {
                    child.onExit().get(STOP_GRACE_SECONDS, TimeUnit.SECONDS);
                } catch (ExecutionException | TimeoutException e) {
                    child.destroyForcibly();
                }
            }
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the JVM is exiting: the hook runs anyway and finds nothing left to kill
        }
        process = null;
    }

    /** Stops the daemon and deletes the scratch directory. */
    @Override
    public void close() {
        if (isExternal()) {
            return;
        }
        try {
            stopProcess();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (process != null) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process = null;
            }
        }
        if (dir != null) {
            stopContainers(dir);
            VmCleanup.destroyDomains(dir);
            deleteRecursively(dir);
            dir = null;
        }
        if (cleanupHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(cleanupHook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is exiting: the hook finds nothing left to do
            }
            cleanupHook = null;
        }
    }

    /**
     * Kills every container still running under {@code <corralDir>/containers} ({@code lxc-stop -k}; a stopped one
     * answers 2 at once). Called after the daemon is stopped, so nothing starts them again. Never throws.
     */
    static void stopContainers(Path corralDir) {
        Path lxcpath = corralDir.resolve("containers");
        if (!Files.isDirectory(lxcpath)) {
            return;
        }
        List<Path> containers;
        try (Stream<Path> entries = Files.list(lxcpath)) {
            containers = entries.filter(p -> Files.isRegularFile(p.resolve("config"))).sorted().toList();
        } catch (IOException e) {
            System.err.println("cannot list " + lxcpath + ": " + e);
            return;
        }
        for (Path container : containers) {
            String name = container.getFileName().toString();
            try {
                int exit = lxcStop(lxcpath, name);
                if (exit == 0) {
                    System.err.println("container " + name + " was still running under " + lxcpath
                            + " when the daemon stopped: killed it (lxc-stop -k)");
                }
            } catch (IOException | RuntimeException e) {
                System.err.println("cannot stop container " + name + " under " + lxcpath + ": " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static int lxcStop(Path lxcpath, String name) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(LXC_STOP.toString(), "-k", "-P", lxcpath.toString(), "-n", name)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        if (!p.waitFor(LXC_STOP_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("lxc-stop -k " + name + " did not finish within " + LXC_STOP_SECONDS + " s");
        }
        return p.exitValue();
    }

    /** The last {@code lines} lines of the daemon's log ("" for an external daemon). */
    public String logTail(int lines) {
        if (log == null || !Files.exists(log)) {
            return "";
        }
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
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
            throw new UncheckedIOException("cannot delete scratch directory " + root, e);
        }
    }
}
