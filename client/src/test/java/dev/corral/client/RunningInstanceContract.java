package dev.corral.client;

import static dev.corral.client.Await.done;
import static dev.corral.client.Await.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What exec and files must do, against any daemon: subclasses give a client and a running busybox container. Run
 * against corrald ({@link CorraldRunningInstanceTest}) and the real Incus ({@link IncusInstancesTest}).
 */
abstract class RunningInstanceContract {

    static final Duration TIMEOUT = Duration.ofSeconds(30);

    abstract Corral client();

    /** A running busybox container. */
    abstract String instance();

    /** Skips the calling test when the daemon does not serve exec (yet). */
    void assumeExec() {
    }

    /** Skips the calling test when the daemon does not serve files (yet). */
    void assumeFiles() {
    }

    private Instances instances() {
        return client().instances();
    }

    private InstanceFiles files() {
        assumeFiles();
        return client().instances().files();
    }

    /** Collects a session's output; {@code done} completes once the callback completed. */
    static final class Collector implements StreamCallback<ExecOutput> {
        final StringBuffer stdout = new StringBuffer();
        final StringBuffer stderr = new StringBuffer();
        final CompletableFuture<Void> done = new CompletableFuture<>();
        volatile boolean started;

        @Override
        public void onStart(AutoCloseable stream) {
            started = true;
        }

        @Override
        public void onNext(ExecOutput piece) {
            (piece.stream() == ExecOutput.Stream.STDERR ? stderr : stdout).append(piece.asText());
        }

        @Override
        public void onError(Throwable error) {
            done.completeExceptionally(error);
        }

        @Override
        public void onComplete() {
            done.complete(null);
        }

        void awaitText(String text) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (!stdout.toString().contains(text)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("no \"" + text + "\" in the output within 15 s: " + stdout);
                }
                sleep(20);
            }
        }
    }

    static boolean sleepTrue(long ms) {
        sleep(ms);
        return true;
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Test
    void exitCodeAndBothStreams() {
        assumeExec();
        ExecResult result = done(instances().execAndCollect(instance(),
                ExecRequest.of("sh", "-c", "echo out; echo err >&2; exit 3"), TIMEOUT));
        assertEquals(3, result.exitCode());
        assertEquals("out\n", result.stdoutText());
        assertEquals("err\n", result.stderrText());
        assertEquals(0, done(instances().execAndCollect(instance(), ExecRequest.of("true"), TIMEOUT)).exitCode());
    }

    @Test
    void stdinEnvironmentAndWorkingDirectory() {
        assumeExec();
        ExecResult cat = done(instances().execAndCollect(instance(), ExecRequest.of("cat"),
                "hello\nworld\n".getBytes(StandardCharsets.UTF_8), TIMEOUT));
        assertEquals("hello\nworld\n", cat.stdoutText());
        assertEquals(0, cat.exitCode());

        ExecResult env = done(instances().execAndCollect(instance(),
                ExecRequest.of("sh", "-c", "echo $GREETING; pwd").withEnvironment("GREETING", "hi").withCwd("/tmp"),
                TIMEOUT));
        assertEquals("hi\n/tmp\n", env.stdoutText());
    }

    @Test
    void outputStreamsWhileTheCommandRuns() {
        assumeExec();
        Collector output = new Collector();
        ExecSession session = done(instances().exec(instance(),
                ExecRequest.of("sh", "-c", "echo first; sleep 2; echo second"), output));
        done(session.closeStdin());
        output.awaitText("first");
        assertFalse(session.exitCode().isDone(), "the command still runs");
        assertTrue(output.started);
        assertEquals(0, done(session.exitCode()));
        done(output.done);
        assertEquals("first\nsecond\n", output.stdout.toString());
        assertEquals("Success", session.operation().snapshot().status());
    }

    @Test
    void inputWrittenAndPiped() {
        assumeExec();
        Collector output = new Collector();
        ExecSession session = done(instances().exec(instance(), ExecRequest.of("cat"), output));
        done(session.writeStdin("abc".getBytes(StandardCharsets.UTF_8)));
        output.awaitText("abc");
        done(session.pipeStdin(new ByteArrayInputStream("def".getBytes(StandardCharsets.UTF_8))));
        assertEquals(0, done(session.exitCode()));
        done(output.done);
        assertEquals("abcdef", output.stdout.toString());
    }

    @Test
    void interactiveTerminalWithResize() {
        assumeExec();
        Collector terminal = new Collector();
        ExecSession session = done(instances().exec(instance(), ExecRequest.of("sh").withInteractive(80, 24)
                .withEnvironment("TERM", "dumb"), terminal));
        done(session.writeStdin("stty size\n".getBytes(StandardCharsets.UTF_8)));
        terminal.awaitText("24 80");
        done(session.resize(100, 30));
        // The resize travels on its own stream: ask until the terminal reports it.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!terminal.stdout.toString().contains("30 100") && System.nanoTime() < deadline) {
            done(session.writeStdin("stty size\n".getBytes(StandardCharsets.UTF_8)));
            sleep(200);
        }
        terminal.awaitText("30 100");
        done(session.writeStdin("exit 5\n".getBytes(StandardCharsets.UTF_8)));
        assertEquals(5, done(session.exitCode()));
        done(terminal.done);
        assertEquals("", terminal.stderr.toString(), "a terminal has one stream");
    }

    @Test
    void signalsReachTheCommand() {
        assumeExec();
        Collector output = new Collector();
        ExecSession session = done(instances().exec(instance(),
                ExecRequest.of("sh", "-c", "trap 'echo got-term; exit 7' TERM; echo ready; while :; do sleep 1; done"),
                output));
        output.awaitText("ready");
        done(session.signal(15));
        assertEquals(7, done(session.exitCode()));
        assertTrue(output.stdout.toString().contains("got-term"), output.stdout::toString);
    }

    @Test
    void closingTheSessionKillsTheCommand() {
        assumeExec();
        Collector output = new Collector();
        ExecSession session = done(instances().exec(instance(), ExecRequest.of("sh", "-c", "echo ready; sleep 60"),
                output));
        output.awaitText("ready");
        long start = System.nanoTime();
        session.close();
        output.done.handle((ok, error) -> null).join();
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(20), "the session ended");
        // The command is gone: no sleep 60 left behind (killing may take a moment).
        String ps = "";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        do {
            ps = done(instances().execAndCollect(instance(), ExecRequest.of("ps"), TIMEOUT)).stdoutText();
        } while (ps.contains("sleep 60") && System.nanoTime() < deadline && sleepTrue(200));
        String last = ps;
        assertFalse(ps.contains("sleep 60"), () -> last);
    }

    @Test
    void aMissingCommandFails() {
        assumeExec();
        CompletableFuture<ExecResult> missing = instances().execAndCollect(instance(),
                ExecRequest.of("/no/such/command"), TIMEOUT);
        try {
            ExecResult result = done(missing);
            assertNotEquals(0, result.exitCode()); // a daemon may answer with the shell's 127
        } catch (CorralException e) {
            assertEquals(CorralException.Kind.OPERATION_FAILED, e.kind(), e::toString);
        }
    }

    @Test
    void execInAMissingInstanceIsNotFound() {
        assumeExec();
        assertTrue(failure(instances().exec("no-such-instance", ExecRequest.of("true"), new Collector()))
                .isNotFound());
    }

    // ---- files ----

    @Test
    void pushAndPullWithOwnerAndMode() {
        String path = "/root/sdk-" + getClass().getSimpleName() + ".txt";
        done(files().push(instance(), path, "hello\n".getBytes(StandardCharsets.UTF_8), FileOptions.of(1000, 1001, 0640)));
        try {
            InstanceFile file = done(files().pull(instance(), path));
            assertEquals("hello\n", file.text());
            assertEquals(new FileInfo("file", 1000, 1001, 0640), file.info());

            done(files().push(instance(), path, "more\n".getBytes(StandardCharsets.UTF_8),
                    FileOptions.defaults().withAppend(true)));
            assertEquals("hello\nmore\n", done(files().pull(instance(), path)).text());
            done(files().push(instance(), path, "replaced".getBytes(StandardCharsets.UTF_8), FileOptions.defaults()));
            assertEquals("replaced", done(files().pull(instance(), path)).text());
        } finally {
            done(files().delete(instance(), path));
        }
        assertTrue(failure(files().pull(instance(), path)).isNotFound());
    }

    @Test
    void directoriesAndSymlinks() {
        String dir = "/root/sdk-dir-" + getClass().getSimpleName();
        done(files().mkdir(instance(), dir, FileOptions.of(0, 0, 0750)));
        try {
            done(files().push(instance(), dir + "/f", "x".getBytes(StandardCharsets.UTF_8), FileOptions.defaults()));
            done(files().symlink(instance(), dir + "/link", dir + "/f", FileOptions.defaults()));
            InstanceFile listing = done(files().pull(instance(), dir));
            assertTrue(listing.info().isDirectory(), listing.info()::toString);
            assertEquals(0750, listing.info().mode());
            assertEquals(java.util.Set.of("f", "link"), java.util.Set.copyOf(listing.entries()));
            InstanceFile link = done(files().pull(instance(), dir + "/link"));
            assertTrue(link.info().isSymlink(), link.info()::toString);
            assertEquals(dir + "/f", link.text());
        } finally {
            for (String path : java.util.List.of(dir + "/link", dir + "/f", dir)) {
                files().delete(instance(), path).exceptionally(e -> null).join();
            }
        }
        assertTrue(failure(files().pull(instance(), dir)).isNotFound());
    }

    @Test
    void largeFilesStreamBothWays(@org.junit.jupiter.api.io.TempDir java.nio.file.Path local) throws Exception {
        byte[] data = new byte[3 << 20];
        new java.util.Random(11).nextBytes(data);
        java.nio.file.Path source = java.nio.file.Files.write(local.resolve("up"), data);
        String path = "/root/sdk-large-" + getClass().getSimpleName();
        done(files().pushFrom(instance(), path, source, FileOptions.of(0, 0, 0600)));
        try {
            java.nio.file.Path target = local.resolve("down");
            FileInfo info = done(files().pullTo(instance(), path, target));
            assertEquals(0600, info.mode());
            org.junit.jupiter.api.Assertions.assertArrayEquals(data, java.nio.file.Files.readAllBytes(target));
        } finally {
            done(files().delete(instance(), path));
        }
    }

    @Test
    void filesOfMissingThings() {
        assertTrue(failure(files().pull(instance(), "/no/such/file")).isNotFound());
        assertTrue(failure(files().pull("no-such-instance", "/etc/hosts")).isNotFound());
    }

    @Test
    void consoleAttachTypeAndDetachLeavesTheInstanceRunning() throws Exception {
        StringBuffer printed = new StringBuffer();
        CompletableFuture<Void> completed = new CompletableFuture<>();
        ConsoleSession console = done(instances().console(instance(), ConsoleRequest.of(80, 24).withForce(true),
                new StreamCallback<>() {
                    @Override
                    public void onNext(byte[] piece) {
                        printed.append(new String(piece, StandardCharsets.UTF_8));
                    }

                    @Override
                    public void onComplete() {
                        completed.complete(null);
                    }
                }));
        try {
            done(console.resize(100, 30));
            // The console's shell may still be starting: type until it answers (the sum proves a shell ran it).
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (!printed.toString().contains("sdk-42") && System.nanoTime() < deadline) {
                done(console.write("\necho sdk-$((40+2))\n".getBytes(StandardCharsets.UTF_8)));
                Thread.sleep(300);
            }
            assertTrue(printed.toString().contains("sdk-42"), () -> "console printed: " + printed);
        } finally {
            console.close();
        }
        console.ended().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        completed.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertEquals("Running", done(instances().get(instance())).status(), "detaching leaves it running");

        done(instances().clearConsoleLog(instance()));
        done(instances().consoleLog(instance()));
        assertTrue(failure(instances().consoleLog("no-such-instance")).isNotFound());
    }
}
