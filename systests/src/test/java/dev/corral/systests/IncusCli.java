package dev.corral.systests;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Runs a real command-line client against a daemon: the {@code incus} CLI with {@code INCUS_DIR} set to the
 * daemon's directory (or the {@code lxc} 5.0 CLI with {@code LXD_DIR}), a scratch {@code HOME} and client
 * configuration directory (nothing of this machine's own client configuration is used), no standard input and a
 * bounded run time.
 *
 * <p>Close it to delete the scratch home. Not thread-safe for {@link #close()}; runs may overlap.
 */
final class IncusCli implements AutoCloseable {

    static final Path INCUS = Path.of("/usr/bin/incus");
    static final Path LXC = Path.of("/usr/bin/lxc");
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    /** One finished run. */
    record Result(List<String> command, int exitCode, String stdout, String stderr) {
        /** Asserts exit status 0 and returns this. */
        Result assertSuccess() {
            if (exitCode != 0) {
                fail(this.toString());
            }
            return this;
        }

        @Override
        public String toString() {
            return String.join(" ", command) + " exited " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n"
                    + stderr;
        }
    }

    private final Path binary;
    private final Map<String, String> env;
    private final Path home;

    private IncusCli(Path binary, Map<String, String> env, Path home) {
        this.binary = binary;
        this.env = env;
        this.home = home;
    }

    /** The {@code incus} CLI for {@code daemon}; fails if {@code /usr/bin/incus} is not installed. */
    static IncusCli incus(Corrald daemon) throws IOException {
        requireBinary(INCUS, "incus-client (Debian bookworm-backports)");
        Path home = Files.createTempDirectory("corral-cli-");
        return new IncusCli(INCUS, Map.of("INCUS_DIR", daemon.dir().toString(),
                "INCUS_CONF", home.resolve("incus-conf").toString()), home);
    }

    /** The LXD 5.0 {@code lxc} CLI for {@code daemon}; fails if {@code /usr/bin/lxc} is not installed. */
    static IncusCli lxc(Corrald daemon) throws IOException {
        requireBinary(LXC, "lxd-client (Debian 12)");
        Path home = Files.createTempDirectory("corral-cli-");
        return new IncusCli(LXC, Map.of("LXD_DIR", daemon.dir().toString(),
                "LXD_CONF", home.resolve("lxd-conf").toString()), home);
    }

    private static void requireBinary(Path binary, String pkg) {
        if (!Files.isExecutable(binary)) {
            fail(binary + " is missing: the system tests need the real client; install the package " + pkg
                    + " (the project's test set-up does)");
        }
    }

    /** Runs the CLI with {@code args}, waiting at most {@link #DEFAULT_TIMEOUT}. */
    Result run(String... args) throws IOException, InterruptedException {
        return run(DEFAULT_TIMEOUT, args);
    }

    /** Runs the CLI with {@code args}; kills it and fails when it runs longer than {@code timeout}. */
    Result run(Duration timeout, String... args) throws IOException, InterruptedException {
        try (Background p = start(args)) {
            if (!p.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.stop();
                fail(String.join(" ", p.command) + " did not finish within " + timeout.toSeconds() + " s\n--- stdout\n"
                        + p.stdout() + "\n--- stderr\n" + p.stderr());
            }
            return new Result(p.command, p.process.exitValue(), p.stdout(), p.stderr());
        }
    }

    /** Starts the CLI in the background (e.g. {@code monitor}); close the handle to end it. */
    Background start(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(binary.toString());
        command.addAll(List.of(args));
        Path out = Files.createTempFile(home, "stdout-", ".txt");
        Path err = Files.createTempFile(home, "stderr-", ".txt");
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        Map<String, String> e = pb.environment();
        String path = e.getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        e.clear();
        e.put("PATH", path);
        e.put("HOME", home.toString());
        e.put("LANG", "C.UTF-8");
        e.put("TERM", "dumb");
        e.putAll(env);
        return new Background(command, pb.start(), out, err);
    }

    @Override
    public void close() {
        Corrald.deleteRecursively(home);
    }

    /** A CLI process running in the background; its output is readable while it runs. */
    static final class Background implements AutoCloseable {
        private final List<String> command;
        private final Process process;
        private final Path out;
        private final Path err;

        private Background(List<String> command, Process process, Path out, Path err) {
            this.command = List.copyOf(command);
            this.process = process;
            this.out = out;
            this.err = err;
        }

        String stdout() throws IOException {
            return Files.readString(out, StandardCharsets.UTF_8);
        }

        String stderr() throws IOException {
            return Files.readString(err, StandardCharsets.UTF_8);
        }

        boolean isAlive() {
            return process.isAlive();
        }

        /** Waits until the standard output so far matches {@code match}; fails after {@code timeout}. */
        String awaitStdout(Predicate<String> match, Duration timeout) throws IOException, InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                String so = stdout();
                if (match.test(so)) {
                    return so;
                }
                if (System.nanoTime() > deadline || !process.isAlive() && match.negate().test(stdout())) {
                    fail(String.join(" ", command) + (process.isAlive() ? " still running" : " exited "
                            + process.exitValue()) + ", expected output not seen within " + timeout.toSeconds()
                            + " s\n--- stdout\n" + stdout() + "\n--- stderr\n" + stderr());
                }
                Thread.sleep(100);
            }
        }

        /** SIGTERM, then SIGKILL after 5 s. */
        void stop() throws InterruptedException {
            if (process.isAlive()) {
                process.destroy();
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(5, TimeUnit.SECONDS);
                }
            }
        }

        /** {@link #stop()}; interrupted, it kills at once. */
        @Override
        public void close() {
            try {
                stop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }
}
