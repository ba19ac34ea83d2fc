package dev.corral.container.lxc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corral.instance.DriverException;
import dev.corral.instance.Exec;
import dev.corral.instance.ExecIo;
import dev.corral.instance.ExecProcess;
import dev.corral.instance.ExecRequest;
import dev.corral.instance.ExecSink;
import dev.corral.instance.InstanceSpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Exec on a real busybox container: streams, exit statuses, environment, ids, working directory, terminal, signals. */
class LxcExecTest {

    private static final Map<String, String> ENV = Map.of("PATH", "/bin:/sbin", "HOME", "/root");

    private static LxcTestEnv env;
    private static InstanceSpec spec;
    private static Exec exec;

    @BeforeAll
    static void setUp() {
        LxcTestEnv.assumeUsable();
        env = new LxcTestEnv();
        spec = env.newSpec(Map.of());
        env.driver.create(spec);
        env.driver.start(spec);
        exec = env.driver.capability(Exec.class).orElseThrow();
    }

    @AfterAll
    static void tearDown() throws IOException {
        if (env != null) {
            env.close();
        }
    }

    /** A sink that keeps what it gets. */
    static final class Collector implements ExecSink {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final CountDownLatch ended = new CountDownLatch(1);

        @Override
        public synchronized void write(byte[] data) {
            bytes.writeBytes(data);
            notifyAll();
        }

        @Override
        public void end() {
            ended.countDown();
        }

        synchronized String text() {
            return bytes.toString(StandardCharsets.UTF_8);
        }

        /** Waits until the text so far matches. */
        synchronized String await(Predicate<String> match, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!match.test(text())) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    throw new AssertionError("not seen within " + timeout + ": " + text());
                }
                wait(left);
            }
            return text();
        }
    }

    record Run(int status, String stdout, String stderr) {
    }

    private static ExecRequest request(String... command) {
        return new ExecRequest(List.of(command), ENV, 0, 0, "/");
    }

    private static Run run(ExecRequest request, String stdin) throws InterruptedException {
        Collector out = new Collector();
        Collector err = new Collector();
        try (ExecProcess p = exec.start(spec, request, new ExecIo.Pipes(out, err))) {
            if (stdin != null) {
                assertTrue(p.write(stdin.getBytes(StandardCharsets.UTF_8)));
            }
            p.closeInput();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "exec did not end: " + request);
            int status = p.waitFor();
            assertEquals(0, out.ended.getCount(), "stdout ended before waitFor returned");
            assertEquals(0, err.ended.getCount(), "stderr ended before waitFor returned");
            return new Run(status, out.text(), err.text());
        }
    }

    private static Run run(String... command) throws InterruptedException {
        return run(request(command), null);
    }

    @Test
    void outputErrorAndExitStatus() throws Exception {
        assertEquals(new Run(0, "hi\n", ""), run("echo", "hi"));
        assertEquals(new Run(3, "out\n", "err\n"), run("sh", "-c", "echo out; echo err >&2; exit 3"));
        assertEquals(137, run("sh", "-c", "kill -9 $$").status());
    }

    @Test
    void missingAndNonExecutableCommands() throws Exception {
        Run missing = run("no-such-command");
        assertEquals(127, missing.status());
        assertEquals("", missing.stdout() + missing.stderr(), "lxc-attach's messages stay out of the output");
        assertEquals(126, run("/etc/passwd").status());
    }

    @Test
    void standardInputAndItsEnd() throws Exception {
        assertEquals(new Run(0, "data\nmore", ""), run(request("cat"), "data\nmore"));
        assertEquals("0", run(request("wc", "-c"), null).stdout().trim(), "no input: end of file at once");
        // a large input, written in many chunks, arrives whole
        String big = "x".repeat(3 * 1024 * 1024);
        assertEquals((big.length()) + "", run(request("sh", "-c", "wc -c"), big).stdout().trim());
    }

    @Test
    void environmentIsExactlyTheRequestsPlusContainer() throws Exception {
        Run env = run(new ExecRequest(List.of("env"), Map.of("PATH", "/bin", "A", "B", "SPACE", "a b=c"), 0, 0,
                "/"), null);
        assertEquals(List.of("A=B", "PATH=/bin", "SPACE=a b=c", "container=lxc"),
                env.stdout().lines().sorted().toList());
    }

    @Test
    void cleanSignalStateAndNoLeakedDescriptors() throws Exception {
        // the JVM's threads block SIGQUIT; nothing of that, nor any descriptor of the JVM's, reaches the command
        assertEquals(List.of("SigBlk:\t0000000000000000", "SigIgn:\t0000000000000000"),
                run("grep", "-E", "^Sig(Blk|Ign)", "/proc/self/status").stdout().lines().toList());
        List<String> fds = run("ls", "/proc/self/fd").stdout().lines().toList();
        assertTrue(List.of("0", "1", "2", "3").containsAll(fds), "descriptors: " + fds);
        Collector out = new Collector();
        try (ExecProcess p = exec.start(spec, request("ls", "/proc/self/fd"), new ExecIo.Terminal(0, 0, out))) {
            assertEquals(0, p.waitFor());
        }
        assertTrue(List.of("0", "1", "2", "3").containsAll(List.of(out.text().trim().split("\\s+"))),
                "descriptors with a terminal: " + out.text());
    }

    @Test
    void userAndGroup() throws Exception {
        assertEquals("1000 1000", run(new ExecRequest(List.of("sh", "-c", "echo $(id -u) $(id -g)"), ENV, 1000,
                1000, "/"), null).stdout().trim());
        assertEquals("1000 0", run(new ExecRequest(List.of("sh", "-c", "echo $(id -u) $(id -g)"), ENV, 1000, 0,
                "/"), null).stdout().trim());
    }

    @Test
    void workingDirectory() throws Exception {
        assertEquals("/tmp", pwd("/tmp"));
        assertEquals("/root", pwd("/root"));
        assertEquals("/", pwd("/"));
        assertEquals("/", pwd("/no/such/dir"), "a missing directory starts the command in / (as Incus)");
        // a directory the host does not have goes through the wrapper
        assertEquals(0, run("mkdir", "-p", "/srv/corral-only/sub").status());
        assertEquals("/srv/corral-only/sub", pwd("/srv/corral-only/sub"));
        assertEquals("/tmp", pwd("/tmp/"));
    }

    private static String pwd(String cwd) throws InterruptedException {
        return run(new ExecRequest(List.of("pwd"), ENV, 0, 0, cwd), null).stdout().trim();
    }

    @Test
    void signalsReachTheCommand() throws Exception {
        Collector out = new Collector();
        try (ExecProcess p = exec.start(spec, request("sh", "-c", "echo ready; exec sleep 100"),
                new ExecIo.Pipes(out, new Collector()))) {
            out.await(s -> s.contains("ready"), Duration.ofSeconds(10));
            p.signal(15);
            assertTrue(p.waitFor(10, TimeUnit.SECONDS), "SIGTERM ends sleep");
            assertEquals(143, p.waitFor());
        }
        try (ExecProcess p = exec.start(spec, request("sleep", "100"), new ExecIo.Pipes(new Collector(),
                new Collector()))) {
            p.kill();
            assertTrue(p.waitFor(10, TimeUnit.SECONDS), "kill ends it");
            assertEquals(137, p.waitFor());
        }
    }

    @Test
    void backgroundProcessesDoNotHoldTheSession() throws Exception {
        long start = System.nanoTime();
        Run run = run("sh", "-c", "sleep 20 & echo started");
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertEquals(new Run(0, "started\n", ""), run);
        assertTrue(millis < 5000, "took " + millis + " ms");
        run("pkill", "sleep");
    }

    @Test
    void closingARunningCommandKillsIt() throws Exception {
        ExecProcess p = exec.start(spec, request("sleep", "100"), new ExecIo.Pipes(new Collector(), new Collector()));
        p.close();
        assertTrue(p.waitFor(1, TimeUnit.SECONDS));
        assertEquals(137, p.waitFor());
    }

    @Test
    void terminalInsideTheContainer() throws Exception {
        Collector out = new Collector();
        try (ExecProcess p = exec.start(spec, request("sh"), new ExecIo.Terminal(100, 30, out))) {
            p.write("tty; stty size\n".getBytes(StandardCharsets.UTF_8));
            String seen = out.await(s -> s.contains("30 100"), Duration.ofSeconds(10));
            assertTrue(seen.matches("(?s).*/dev/pts/\\d+\\r\\n.*"), seen);
            p.resize(132, 43);
            Thread.sleep(200);
            p.write("stty size\n".getBytes(StandardCharsets.UTF_8));
            out.await(s -> s.contains("43 132"), Duration.ofSeconds(10));
            p.write("exit 4\n".getBytes(StandardCharsets.UTF_8));
            assertTrue(p.waitFor(10, TimeUnit.SECONDS));
            assertEquals(4, p.waitFor());
        }
    }

    @Test
    void terminalSignalAndKill() throws Exception {
        Collector out = new Collector();
        try (ExecProcess p = exec.start(spec, request("sh", "-c", "echo ready; exec sleep 100"),
                new ExecIo.Terminal(0, 0, out))) {
            out.await(s -> s.contains("ready"), Duration.ofSeconds(10));
            p.kill();
            assertTrue(p.waitFor(10, TimeUnit.SECONDS));
            assertEquals(137, p.waitFor());
        }
    }

    @Test
    void outputIntoFiles() throws Exception {
        Path dir = Files.createTempDirectory(env.root, "exec-output");
        Path out = dir.resolve("out");
        Path err = dir.resolve("err");
        try (ExecProcess p = exec.start(spec, request("sh", "-c", "cat; echo out; echo err >&2; exit 2"),
                new ExecIo.Files(out, err))) {
            assertTrue(p.write("ignored".getBytes(StandardCharsets.UTF_8)), "no input: writes are dropped");
            assertEquals(2, p.waitFor());
        }
        assertEquals("out\n", Files.readString(out));
        assertEquals("err\n", Files.readString(err));
        try (ExecProcess p = exec.start(spec, request("echo", "discarded"), new ExecIo.Files(null, null))) {
            assertEquals(0, p.waitFor());
        }
    }

    @Test
    void stoppedInstanceIsAnError() throws Exception {
        InstanceSpec stopped = env.newSpec(Map.of());
        env.driver.create(stopped);
        Collector out = new Collector();
        Collector err = new Collector();
        try (ExecProcess p = exec.start(stopped, request("true"), new ExecIo.Pipes(out, err))) {
            DriverException e = assertThrows(DriverException.class, p::waitFor);
            assertEquals("Instance is not running", e.getMessage());
        }
        assertEquals("", out.text() + err.text(), "lxc-attach's messages stay out of the output");
    }
}
