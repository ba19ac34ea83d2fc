package dev.corral.systests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.restassured.response.Response;

/**
 * {@code POST /1.0/instances/{name}/exec} on a real busybox container: through the real {@code incus} CLI (output,
 * exit codes, piped stdin, environment, working directory and user, a real terminal under tmux) and at the wire
 * level (the websocket protocol of Incus 6.0, signals, a client that goes away, recorded output, errors).
 */
class ExecTest {

    @RegisterExtension
    static final Corrald corrald = Corrald.create();

    private static final Duration CLI_TIMEOUT = Duration.ofSeconds(60);
    private static final Containers containers = new Containers(corrald);
    private static Path home;
    private static IncusCli incus;
    /** A running busybox container most tests share. */
    private static String c;

    @BeforeAll
    static void setUp() throws Exception {
        corrald.assumeCorrald("needs the built-in busybox image and real containers");
        incus = IncusCli.incus(corrald);
        home = Files.createTempDirectory("corral-exec-cli-");
        c = containers.launch("exec");
    }

    @AfterAll
    static void tearDown() {
        containers.cleanup();
        if (incus != null) {
            incus.close();
        }
        if (home != null) {
            Corrald.deleteRecursively(home);
        }
    }

    // ---- the incus CLI

    /** One CLI run with standard input from {@code stdin} (bytes, or none: /dev/null). */
    record Run(int exitCode, String stdout, String stderr) {
    }

    private static Run cli(byte[] stdin, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(IncusCli.INCUS.toString()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(home, "stdout-", ".txt");
        Path err = Files.createTempFile(home, "stderr-", ".txt");
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        if (stdin == null) {
            pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        }
        Map<String, String> env = pb.environment();
        env.clear();
        env.put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        env.put("HOME", home.toString());
        env.put("LANG", "C.UTF-8");
        env.put("TERM", "dumb");
        env.put("INCUS_DIR", corrald.dir().toString());
        env.put("INCUS_CONF", home.resolve("incus-conf").toString());
        Process p = pb.start();
        if (stdin != null) {
            try (OutputStream in = p.getOutputStream()) {
                in.write(stdin);
            }
        }
        if (!p.waitFor(CLI_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            fail(String.join(" ", command) + " did not finish within " + CLI_TIMEOUT.toSeconds() + " s: "
                    + Files.readString(err));
        }
        try {
            return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static Run exec(String... command) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("exec", c, "--"));
        args.addAll(List.of(command));
        return cli(null, args.toArray(new String[0]));
    }

    @Test
    void cliOutputErrorAndExitCode() throws Exception {
        assertEquals(new Run(0, "hi\n", ""), exec("echo", "hi"));
        Run both = exec("sh", "-c", "echo out; echo err >&2; exit 7");
        assertEquals(7, both.exitCode(), both.toString());
        assertEquals("out\n", both.stdout());
        assertEquals("err\n", both.stderr());
        assertEquals(137, exec("sh", "-c", "kill -9 $$").exitCode());
    }

    @Test
    void cliPipedStdin() throws Exception {
        assertEquals(new Run(0, "data\n", ""), cli("data\n".getBytes(StandardCharsets.UTF_8), "exec", c, "--", "cat"));
        // 2 MiB of random bytes arrive intact (busybox's sha256sum reads stdin)
        byte[] random = new byte[2 * 1024 * 1024];
        ThreadLocalRandom.current().nextBytes(random);
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(random));
        Run sum = cli(random, "exec", c, "--", "sha256sum");
        assertEquals(0, sum.exitCode(), sum.toString());
        assertEquals(expected, sum.stdout().split("\\s+")[0]);
        // and back out
        Run back = cli(random, "exec", c, "--", "sh", "-c", "cat > /tmp/random && wc -c < /tmp/random");
        assertEquals(random.length + "", back.stdout().trim(), back.toString());
    }

    @Test
    void cliEnvironment() throws Exception {
        assertEquals("B", cli(null, "exec", c, "--env", "A=B", "--", "sh", "-c", "echo $A").stdout().trim());
        List<String> env = exec("env").stdout().lines().sorted().toList();
        assertTrue(env.containsAll(List.of("HOME=/root", "LANG=C.UTF-8",
                "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "USER=root", "container=lxc")),
                env.toString());
        // the instance's environment.* config too, under the request's
        String name = containers.launch("exec-env");
        Containers.assertSuccess(containers.waitFor(Envelopes.async(Api.given(corrald)
                .body("{\"config\":{\"environment.FOO\":\"from-config\",\"environment.BAR\":\"bar\"}}")
                .patch("/1.0/instances/" + name))));
        Run run = cli(null, "exec", name, "--env", "BAR=from-request", "--", "sh", "-c", "echo $FOO $BAR");
        assertEquals("from-config from-request", run.stdout().trim(), run.toString());
    }

    @Test
    void cliWorkingDirectoryAndUser() throws Exception {
        assumeTrue(extensions().contains("container_exec_user_group_cwd"),
                "the incus CLI sends --cwd/--user only to a server with container_exec_user_group_cwd "
                        + "(the REST test covers the behaviour)");
        assertEquals("/tmp", cli(null, "exec", c, "--cwd", "/tmp", "--", "pwd").stdout().trim());
        assertEquals("1000 0 /", cli(null, "exec", c, "--user", "1000", "--", "sh", "-c",
                "echo $(id -u) $(id -g) $(pwd)").stdout().trim());
        assertEquals("1000 1000", cli(null, "exec", c, "--user", "1000", "--group", "1000", "--", "sh", "-c",
                "echo $(id -u) $(id -g)").stdout().trim());
    }

    @Test
    void cliCommandNotFoundOrNotExecutable() throws Exception {
        Run missing = exec("no-such-command");
        assertEquals(127, missing.exitCode(), missing.toString());
        assertEquals("", missing.stdout());
        assertEquals("Error: Command not found", missing.stderr().trim());
        Run notExecutable = exec("/etc/passwd");
        assertEquals(126, notExecutable.exitCode(), notExecutable.toString());
        assertEquals("Error: Command not executable", notExecutable.stderr().trim());
    }

    @Test
    void cliOnAStoppedInstance() throws Exception {
        String stopped = containers.createStopped("exec-stopped");
        Run run = cli(null, "exec", stopped, "--", "true");
        assertEquals(1, run.exitCode(), run.toString());
        assertEquals("Error: Instance is not running", run.stderr().trim());
    }

    @Test
    void lxcCliToo() throws Exception {
        try (IncusCli lxc = IncusCli.lxc(corrald)) {
            IncusCli.Result run = lxc.run("exec", c, "--", "sh", "-c", "echo from-lxc; exit 3");
            assertEquals(3, run.exitCode(), run.toString());
            assertEquals("from-lxc\n", run.stdout());
        }
    }

    /** {@code incus exec -t} in tmux: a real terminal inside the container, resized with the window. */
    @Test
    void cliTerminalUnderTmux() throws Exception {
        assumeTrue(Tmux.available(), "needs tmux (apt-get install tmux)");
        try (Tmux tmux = new Tmux(corrald, home, 100, 30,
                IncusCli.INCUS + " exec " + c + " -t -- sh; echo EXITED=$?; sleep 600")) {
            tmux.await("(?m)^~ #");
            tmux.keys("tty; stty size", "Enter");
            String pane = tmux.await("(?m)^30 100$");
            assertTrue(Pattern.compile("(?m)^/dev/pts/\\d+$").matcher(pane).find(), pane);
            tmux.resize(120, 40);
            Thread.sleep(300);
            tmux.keys("clear; stty size", "Enter");
            tmux.await("(?m)^40 120$");
            // Ctrl-C reaches the foreground job inside
            tmux.keys("clear; sleep 600", "Enter");
            Thread.sleep(300);
            tmux.keys("C-c");
            tmux.keys("echo after-$((40+2))", "Enter");
            tmux.await("(?m)^after-42$");
            tmux.keys("exit 5", "Enter");
            tmux.await("(?m)^EXITED=5$");
        }
    }

    private static Set<String> extensions() {
        return Set.copyOf(Json.strings(Envelopes.sync(Api.given(corrald).get("/1.0")).path("api_extensions")));
    }

    // ---- the wire: websockets

    /**
     * An exec with {@code wait-for-websocket}, its streams connected in the incus CLI's order (control, 0, 1, 2):
     * collects output and the end markers (empty text messages).
     */
    static final class Session implements AutoCloseable {
        final JsonNode operation;
        final String id;
        final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        final CountDownLatch outputEnded;
        final List<WebSocket> sockets = new ArrayList<>();
        WebSocket control;
        WebSocket input;

        Session(ObjectNode body) throws IOException {
            body.put("wait-for-websocket", true);
            String path = body.has("path") ? body.remove("path").asText() : "/1.0/instances/" + c + "/exec";
            operation = Envelopes.async(Api.given(corrald).body(Json.write(body)).post(path));
            id = operation.get("id").asText();
            boolean interactive = body.path("interactive").asBoolean();
            outputEnded = new CountDownLatch(interactive ? 1 : 2);
            JsonNode fds = operation.at("/metadata/fds");
            control = connect(fds.get("control").asText(), text -> { });
            input = connect(fds.get("0").asText(), collector(stdout));
            if (!interactive) {
                connect(fds.get("1").asText(), collector(stdout));
                connect(fds.get("2").asText(), collector(stderr));
            }
        }

        private WebSocket.Listener collector(ByteArrayOutputStream into) {
            return new WebSocket.Listener() {
                @Override
                public void onText(String text) {
                    assertEquals("", text, "a text message on an output stream is the empty end marker");
                    outputEnded.countDown();
                }

                @Override
                public void onBinary(byte[] data) {
                    synchronized (into) {
                        into.writeBytes(data);
                    }
                }
            };
        }

        private WebSocket connect(String secret, WebSocket.Listener listener) throws IOException {
            WebSocket ws = WebSocket.connect(corrald.socket(), "/1.0/operations/" + id + "/websocket?secret="
                    + secret, listener);
            sockets.add(ws);
            return ws;
        }

        void send(String stdin) throws IOException {
            input.sendBinary(stdin.getBytes(StandardCharsets.UTF_8));
        }

        void endInput() throws IOException {
            input.sendText("");
        }

        void control(String json) throws IOException {
            control.sendText(json);
        }

        /** Waits for the end of the output and of the operation; returns the finished operation. */
        JsonNode finish() throws InterruptedException {
            assertTrue(outputEnded.await(30, TimeUnit.SECONDS), "end markers on the output streams");
            return containers.waitFor(operation);
        }

        String out() {
            synchronized (stdout) {
                return stdout.toString(StandardCharsets.UTF_8);
            }
        }

        String err() {
            synchronized (stderr) {
                return stderr.toString(StandardCharsets.UTF_8);
            }
        }

        @Override
        public void close() throws IOException {
            for (WebSocket ws : sockets) {
                ws.close();
            }
        }
    }

    private static ObjectNode body(String... command) {
        ObjectNode body = Json.object();
        ArrayNode array = body.putArray("command");
        for (String arg : command) {
            array.add(arg);
        }
        return body;
    }

    @Test
    void websocketProtocol() throws Exception {
        ObjectNode body = body("sh", "-c", "cat; echo err >&2; exit 3");
        body.putObject("environment").put("TERM", "xterm");
        try (Session s = new Session(body)) {
            assertEquals("websocket", s.operation.get("class").asText());
            assertEquals("Executing command", s.operation.get("description").asText());
            assertEquals("Running", s.operation.get("status").asText());
            assertEquals(List.of("/1.0/instances/" + c), Json.strings(s.operation.at("/resources/instances")));
            assertEquals(Set.of("instances"), Json.fieldNames(s.operation.get("resources")));
            JsonNode metadata = s.operation.get("metadata");
            assertEquals(Set.of("0", "1", "2", "control"), Json.fieldNames(metadata.get("fds")));
            assertEquals(List.of("sh", "-c", "cat; echo err >&2; exit 3"), Json.strings(metadata.get("command")));
            assertFalse(metadata.get("interactive").asBoolean());
            assertEquals("xterm", metadata.at("/environment/TERM").asText());
            assertEquals("/root", metadata.at("/environment/HOME").asText());
            assertEquals("root", metadata.at("/environment/USER").asText());
            assertEquals("C.UTF-8", metadata.at("/environment/LANG").asText());
            s.send("hello ");
            s.send("world\n");
            s.endInput();
            JsonNode done = s.finish();
            Containers.assertSuccess(done);
            assertEquals(3, done.at("/metadata/return").asInt(), done.toString());
            assertEquals("hello world\n", s.out());
            assertEquals("err\n", s.err());
        }
    }

    @Test
    void workingDirectoryUserAndGroup() throws Exception {
        ObjectNode body = body("sh", "-c", "echo $(pwd) $(id -u) $(id -g) $HOME $USER");
        body.put("cwd", "/tmp").put("user", 1000).put("group", 1000);
        assertEquals("/tmp 1000 1000", runSession(body).trim(), "no HOME or USER for another user (as Incus)");
        assertEquals("/ 1000", runSession(body("sh", "-c", "echo $(pwd) $(id -u)").put("user", 1000)).trim(),
                "another user starts in /");
        assertEquals("/root", runSession(body("pwd")).trim(), "root starts in HOME");
        assertEquals("/", runSession(body("pwd").put("cwd", "/no/such/dir")).trim(), "a missing directory is /");
        assertEquals("/etc", runSession(body("pwd").put("cwd", "/etc/")).trim());
    }

    private static String runSession(ObjectNode body) throws Exception {
        try (Session s = new Session(body)) {
            s.endInput();
            Containers.assertSuccess(s.finish());
            return s.out();
        }
    }

    @Test
    void signalThroughTheControlStream() throws Exception {
        try (Session s = new Session(body("sh", "-c", "echo ready; exec sleep 600"))) {
            awaitOutput(s, "ready");
            s.control("{\"command\":\"signal\",\"args\":null,\"signal\":15}");
            JsonNode done = s.finish();
            Containers.assertSuccess(done);
            assertEquals(143, done.at("/metadata/return").asInt(), done.toString());
        }
    }

    @Test
    void interactiveSessionOverTheWire() throws Exception {
        ObjectNode body = body("sh");
        body.put("interactive", true).put("width", 90).put("height", 20);
        try (Session s = new Session(body)) {
            assertEquals(Set.of("0", "control"), Json.fieldNames(s.operation.at("/metadata/fds")));
            s.send("tty; stty size\n");
            awaitOutput(s, "20 90");
            assertTrue(Pattern.compile("/dev/pts/\\d+\r\n").matcher(s.out()).find(), s.out());
            s.control("{\"command\":\"window-resize\",\"args\":{\"width\":\"132\",\"height\":\"43\"},\"signal\":0}");
            Thread.sleep(200);
            s.send("stty size\n");
            awaitOutput(s, "43 132");
            s.send("exit 4\n");
            JsonNode done = s.finish();
            Containers.assertSuccess(done);
            assertEquals(4, done.at("/metadata/return").asInt(), done.toString());
        }
    }

    @Test
    void clientThatGoesAwayHasTheCommandKilled() throws Exception {
        Session s = new Session(body("sh", "-c", "echo ready; exec sleep 600"));
        try {
            awaitOutput(s, "ready");
            s.control.close(); // the client is gone
            JsonNode done = containers.waitFor(s.operation);
            Containers.assertSuccess(done);
            assertEquals(137, done.at("/metadata/return").asInt(), done.toString());
        } finally {
            s.close();
        }
        assertEquals("", exec("sh", "-c", "ps -o args | grep '^sleep 600' || true").stdout().trim(),
                "nothing left running");
    }

    @Test
    void unconnectedStreamsFailTheOperation() throws Exception {
        ObjectNode body = body("true").put("wait-for-websocket", true);
        JsonNode op = Envelopes.async(Api.given(corrald).body(Json.write(body)).post("/1.0/instances/" + c + "/exec"));
        long start = System.nanoTime();
        JsonNode done = containers.waitFor(op);
        assertEquals("Timed out waiting for websockets to connect", Containers.assertFailure(done));
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
        assertTrue(seconds >= 3 && seconds <= 15, "failed after " + seconds + " s");
    }

    @Test
    void wrongAndReusedSecretsAreRefused() throws Exception {
        try (Session s = new Session(body("sh", "-c", "exec sleep 600"))) {
            String base = "/1.0/operations/" + s.id + "/websocket?secret=";
            WebSocket.HandshakeException wrong = assertThrows(WebSocket.HandshakeException.class,
                    () -> WebSocket.connect(corrald.socket(), base + "nope", text -> { }).close());
            Envelopes.error(wrong.response().status(), wrong.response().body(), 403);
            WebSocket.HandshakeException reused = assertThrows(WebSocket.HandshakeException.class,
                    () -> WebSocket.connect(corrald.socket(), base + s.operation.at("/metadata/fds/1").asText(),
                            text -> { }).close());
            Envelopes.error(reused.response().status(), reused.response().body(), 403);
            s.control("{\"command\":\"signal\",\"signal\":9}");
            assertEquals(137, s.finish().at("/metadata/return").asInt());
        }
    }

    @Test
    void legacyContainersPath() throws Exception {
        ObjectNode body = body("echo", "legacy");
        body.put("path", "/1.0/containers/" + c + "/exec");
        assertEquals("legacy\n", runSession(body));
    }

    private static void awaitOutput(Session s, String text) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!s.out().contains(text)) {
            if (System.nanoTime() > deadline) {
                fail("\"" + text + "\" not seen; output so far: " + s.out());
            }
            Thread.sleep(20);
        }
    }

    // ---- the wire: without websockets, recorded output

    @Test
    void recordedOutput() throws Exception {
        ObjectNode body = body("sh", "-c", "echo out; echo err >&2; exit 3").put("record-output", true)
                .put("wait-for-websocket", false);
        JsonNode op = Envelopes.async(Api.given(corrald).body(Json.write(body)).post("/1.0/instances/" + c + "/exec"));
        assertEquals("task", op.get("class").asText());
        assertEquals(Set.of("instances", "containers"), Json.fieldNames(op.get("resources")));
        JsonNode done = containers.waitFor(op);
        Containers.assertSuccess(done);
        assertEquals(3, done.at("/metadata/return").asInt());
        String stdoutUrl = done.at("/metadata/output/1").asText();
        String stderrUrl = done.at("/metadata/output/2").asText();
        String prefix = "/1.0/instances/" + c + "/logs/exec-output/exec_" + op.get("id").asText();
        assertEquals(prefix + ".stdout", stdoutUrl);
        assertEquals(prefix + ".stderr", stderrUrl);

        Response stdout = Api.given(corrald).get(stdoutUrl);
        assertEquals(200, stdout.statusCode());
        assertEquals("application/octet-stream", stdout.contentType());
        assertEquals("out\n", stdout.asString());
        assertEquals("err\n", Api.given(corrald).get(stderrUrl).asString());
        assertTrue(Files.isRegularFile(corrald.dir().resolve("logs").resolve(c).resolve("exec-output")
                .resolve("exec_" + op.get("id").asText() + ".stdout")), "kept in the instance's log directory");

        List<String> listed = Json.strings(Envelopes.sync(Api.given(corrald)
                .get("/1.0/instances/" + c + "/logs/exec-output")));
        assertTrue(listed.containsAll(List.of(stdoutUrl, stderrUrl)), listed.toString());

        assertNotNull(Envelopes.sync(Api.given(corrald).delete(stdoutUrl)));
        Envelopes.error(Api.given(corrald).get(stdoutUrl), 404);
        Envelopes.error(Api.given(corrald).delete(stdoutUrl), 404);
        assertEquals("Exec record-output file name \"lxc.log\" not valid",
                Envelopes.error(Api.given(corrald).get("/1.0/instances/" + c + "/logs/exec-output/lxc.log"), 400));
        Envelopes.error(Api.given(corrald).get("/1.0/instances/" + c + "/logs/exec-output/exec_%2E%2E%2Fx.stdout"),
                400);
        Envelopes.error(Api.given(corrald).get("/1.0/instances/no-such-instance/logs/exec-output"), 404);
    }

    @Test
    void withoutWebsocketsTheOutputIsDiscarded() throws Exception {
        JsonNode done = containers.waitFor(Envelopes.async(Api.given(corrald)
                .body(Json.write(body("sh", "-c", "echo discarded; exit 5")))
                .post("/1.0/instances/" + c + "/exec")));
        Containers.assertSuccess(done);
        assertEquals(Set.of("return"), Json.fieldNames(done.get("metadata")));
        assertEquals(5, done.at("/metadata/return").asInt());

        JsonNode missing = containers.waitFor(Envelopes.async(Api.given(corrald)
                .body(Json.write(body("no-such-command"))).post("/1.0/instances/" + c + "/exec")));
        assertEquals("Command not found", Containers.assertFailure(missing));
        assertEquals(127, missing.at("/metadata/return").asInt(), "the status is still reported: " + missing);
    }

    @Test
    void badRequests() throws Exception {
        String url = "/1.0/instances/" + c + "/exec";
        assertEquals("Cannot use \"record-output\" in combination with \"wait-for-websocket\"",
                Envelopes.error(Api.given(corrald).body(Json.write(body("true").put("record-output", true)
                        .put("wait-for-websocket", true))).post(url), 400));
        assertEquals("Cannot use \"interactive\" in combination with \"record-output\"",
                Envelopes.error(Api.given(corrald).body(Json.write(body("true").put("record-output", true)
                        .put("interactive", true))).post(url), 400));
        Envelopes.error(Api.given(corrald).body("{\"command\":[]}").post(url), 400);
        Envelopes.error(Api.given(corrald).body("{\"command\":[\"true\"],\"bogus\":1}").post(url), 400);
        Envelopes.error(Api.given(corrald).body("{\"command\":[\"true\"],\"environment\":{\"A=B\":\"x\"}}")
                .post(url), 400);
        Envelopes.error(Api.given(corrald).body("{\"command\":[\"true\"],\"user\":-1}").post(url), 400);
        Envelopes.error(Api.given(corrald).body(Json.write(body("true"))).post("/1.0/instances/nope/exec"), 404);

        String stopped = containers.createStopped("exec-stopped");
        assertEquals("Instance is not running", Envelopes.error(Api.given(corrald).body(Json.write(body("true")))
                .post("/1.0/instances/" + stopped + "/exec"), 400));

        String frozen = containers.launch("exec-frozen");
        containers.action(frozen, "freeze");
        try {
            assertEquals("Instance is frozen", Envelopes.error(Api.given(corrald).body(Json.write(body("true")))
                    .post("/1.0/instances/" + frozen + "/exec"), 400));
        } finally {
            containers.action(frozen, "unfreeze");
        }
    }

    /** {@code exec true}, 30 times through the CLI: prints p50/p95 (information, no assertion beyond a bound). */
    @Test
    void roundTripTiming() throws Exception {
        List<Long> millis = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            long start = System.nanoTime();
            assertEquals(0, exec("true").exitCode());
            millis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        }
        millis.sort(null);
        System.out.println("incus exec " + c + " -- true, 30 runs: p50 " + millis.get(14) + " ms, p95 "
                + millis.get(28) + " ms");
        assertTrue(millis.get(14) < 2000, "p50 " + millis.get(14) + " ms");
    }
}
