package dev.corral.systests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.restassured.response.Response;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code /1.0/instances/{name}/console} on real busybox containers: {@code incus console} in a real terminal (tmux:
 * type, see the output, detach with ctrl+a q, attach again), {@code incus console --show-log}, and at the wire
 * level (Incus 6.0's streams, one session at a time and {@code force}, the log and its clearing, lifecycle events,
 * errors).
 */
class ConsoleTest {

    @RegisterExtension
    static final Corrald corrald = Corrald.create();

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Containers containers = new Containers(corrald);
    private static Path home;
    private static IncusCli incus;
    /** A running busybox container most tests share. */
    private static String c;

    @BeforeAll
    static void setUp() throws Exception {
        corrald.assumeCorrald("needs the built-in busybox image and real containers");
        incus = IncusCli.incus(corrald);
        home = Files.createTempDirectory("corral-console-cli-");
        c = containers.launch("console");
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

    /** Attach, press Enter for the image's console shell, type, detach with ctrl+a q; then all of it again. */
    @Test
    void cliAttachTypeDetachAndAttachAgain() throws Exception {
        assumeTrue(Tmux.available(), "needs tmux (apt-get install tmux)");
        for (int round = 1; round <= 2; round++) {
            try (Tmux tmux = new Tmux(corrald, home, 100, 30,
                    IncusCli.INCUS + " console " + c + "; echo EXITED=$?; sleep 600")) {
                tmux.await("To detach from the console, press: <ctrl>\\+a q");
                typeUntil(tmux, "echo round-$((40+" + round + "))", "(?m)^round-4" + round + "\\s*$");
                detach(tmux);
                tmux.await("(?m)^EXITED=0$");
            }
            assertEquals("Running", containers.status(c), "detaching must not stop the container");
        }
    }

    /** {@code incus console --show-log}: what the console printed (the ring buffer of the running container). */
    @Test
    void cliShowLog() throws Exception {
        exec("echo show-log-$((6*7)) >/dev/console");
        String log = "";
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!log.contains("show-log-42") && System.nanoTime() < deadline) {
            log += incus.run("console", c, "--show-log").assertSuccess().stdout();
        }
        assertTrue(log.contains("show-log-42"), log);

        // the LXD 5.0 client too
        exec("echo lxd-log-$((6*7)) >/dev/console");
        try (IncusCli lxc = IncusCli.lxc(corrald)) {
            String lxdLog = "";
            deadline = System.nanoTime() + WAIT.toNanos();
            while (!lxdLog.contains("lxd-log-42") && System.nanoTime() < deadline) {
                lxdLog += lxc.run("console", c, "--show-log").assertSuccess().stdout();
            }
            assertTrue(lxdLog.contains("lxd-log-42"), lxdLog);
        }
    }

    /** A second {@code incus console} is refused while one is attached; {@code --force} takes the console over. */
    @Test
    void cliSecondAttachNeedsForce() throws Exception {
        assumeTrue(Tmux.available(), "needs tmux (apt-get install tmux)");
        try (Tmux first = new Tmux(corrald, home, 80, 24,
                IncusCli.INCUS + " console " + c + "; echo EXITED=$?; sleep 600")) {
            first.await("To detach from the console");
            awaitOperation(op -> op.path("description").asText().equals("Showing console"));
            try (Tmux second = new Tmux(corrald, home, 80, 24,
                    IncusCli.INCUS + " console " + c + "; echo EXITED=$?; sleep 600")) {
                second.await("(?s)This console is already connected. Force is required to take it over.*EXITED=1");
            }
            try (Tmux forced = new Tmux(corrald, home, 80, 24,
                    IncusCli.INCUS + " console --force " + c + "; echo EXITED=$?; sleep 600")) {
                forced.await("To detach from the console");
                first.await("(?m)^EXITED=\\d+$"); // the first session was ended
                typeUntil(forced, "echo forced-$((6*7))", "(?m)^forced-42\\s*$");
                detach(forced);
                forced.await("(?m)^EXITED=0$");
            }
        }
        assertEquals("Running", containers.status(c));
    }

    // ---- the wire

    /** The console's two streams as the incus CLI connects them: control first, then 0. */
    static final class Console implements AutoCloseable {
        final JsonNode operation;
        final String id;
        final ByteArrayOutputStream output = new ByteArrayOutputStream();
        final CountDownLatch ended = new CountDownLatch(1);
        final WebSocket control;
        final WebSocket data;

        Console(String instance, String body) throws IOException {
            operation = Envelopes.async(Api.given(corrald).body(body).post("/1.0/instances/" + instance
                    + "/console"));
            id = operation.get("id").asText();
            JsonNode fds = operation.at("/metadata/fds");
            assertEquals(java.util.Set.of("0", "control"), Json.fieldNames(fds), "fds: " + fds);
            control = connect(fds.get("control").asText(), text -> { });
            data = connect(fds.get("0").asText(), new WebSocket.Listener() {
                @Override
                public void onText(String text) {
                    assertEquals("", text, "the only text message on 0 is the empty end marker");
                    ended.countDown();
                }

                @Override
                public void onBinary(byte[] bytes) {
                    synchronized (output) {
                        output.writeBytes(bytes);
                    }
                }
            });
        }

        private WebSocket connect(String secret, WebSocket.Listener listener) throws IOException {
            return WebSocket.connect(corrald.socket(), "/1.0/operations/" + id + "/websocket?secret=" + secret,
                    listener);
        }

        String text() {
            synchronized (output) {
                return output.toString(StandardCharsets.UTF_8);
            }
        }

        /** Types {@code line} until the output shows {@code expected} (the console shell may not be up yet). */
        void typeUntil(String line, String expected) throws Exception {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!text().contains(expected)) {
                assertTrue(System.nanoTime() < deadline, "console never showed " + expected + ": " + text());
                data.sendBinary((line + "\n").getBytes(StandardCharsets.UTF_8));
                Thread.sleep(300);
            }
        }

        JsonNode await() {
            return containers.waitFor(operation);
        }

        @Override
        public void close() throws IOException {
            control.close();
            data.close();
        }
    }

    @Test
    void wireAttachTypeResizeAndDetach() throws Exception {
        try (Events events = Events.connect(corrald, "type=lifecycle"); Console console = new Console(c,
                "{\"width\":100,\"height\":30,\"type\":\"console\"}")) {
            assertEquals("Showing console", console.operation.path("description").asText());
            assertEquals("websocket", console.operation.path("class").asText());
            assertTrue(console.operation.path("may_cancel").asBoolean());
            assertEquals("/1.0/instances/" + c, console.operation.at("/resources/instances/0").asText());
            console.control.sendText("{\"command\":\"window-resize\",\"args\":{\"width\":\"120\",\"height\":\"40\"}}");
            console.typeUntil("echo wire-$((6*7))", "wire-42");
            JsonNode attached = events.await(e -> e.at("/metadata/action").asText().equals("instance-console"), WAIT);
            assertEquals("/1.0/instances/" + c, attached.at("/metadata/source").asText());
            assertEquals("console", attached.at("/metadata/context/type").asText());
            assertEquals("unix", attached.at("/metadata/requestor/protocol").asText());
            console.control.close(); // what incus console does on ctrl+a q
            Containers.assertSuccess(console.await());
        }
        assertEquals("Running", containers.status(c));
    }

    @Test
    void wireSecondSessionIsRefusedUnlessForced() throws Exception {
        try (Console first = new Console(c, "{}")) {
            awaitAttached(first);
            Response refused = Api.given(corrald).body("{\"type\":\"console\"}").post("/1.0/instances/" + c
                    + "/console");
            assertEquals("This console is already connected. Force is required to take it over.",
                    Envelopes.error(refused, 500));
            try (Console forced = new Console(c, "{\"force\":true}")) {
                assertEquals("Cancelled", first.await().path("status").asText());
                forced.typeUntil("echo taken-$((6*7))", "taken-42");
                forced.control.close();
                Containers.assertSuccess(forced.await());
            }
        }
    }

    /** The session ends when the container stops: 0 gets its end marker, the operation succeeds. */
    @Test
    void wireSessionEndsWhenTheContainerStops() throws Exception {
        String stopping = containers.launch("console-stop");
        try (Console console = new Console(stopping, "{}")) {
            awaitAttached(console);
            containers.forceStop(stopping);
            assertTrue(console.ended.await(WAIT.toSeconds(), TimeUnit.SECONDS), "no end marker on 0");
            Containers.assertSuccess(console.await());
        }
        containers.delete(stopping);
    }

    @Test
    void wireWrongSecret() throws Exception {
        try (Console console = new Console(c, "{}")) {
            WebSocket.HandshakeException wrong = assertThrows(WebSocket.HandshakeException.class,
                    () -> WebSocket.connect(corrald.socket(), "/1.0/operations/" + console.id
                            + "/websocket?secret=nope", text -> { }).close());
            Envelopes.error(wrong.response().status(), wrong.response().body(), 403);
            console.control.close();
            console.await();
        }
    }

    // ---- the log

    @Test
    void logReadConsumesAndDeleteClears() throws Exception {
        try (Events events = Events.connect(corrald, "type=lifecycle")) {
            exec("echo log-one-$((6*7)) >/dev/console");
            String log = readLogUntil(c, "log-one-42");
            assertTrue(log.contains("log-one-42"), log);
            assertFalse(consoleLog(c).contains("log-one-42"), "a read consumes what it returned");
            events.await(e -> e.at("/metadata/action").asText().equals("instance-console-retrieved")
                    && e.at("/metadata/source").asText().equals("/1.0/instances/" + c), WAIT);

            exec("echo log-two-$((6*7)) >/dev/console");
            Envelopes.sync(Api.given(corrald).delete("/1.0/instances/" + c + "/console"));
            events.await(e -> e.at("/metadata/action").asText().equals("instance-console-reset"), WAIT);
            exec("echo log-three-$((6*7)) >/dev/console");
            String after = readLogUntil(c, "log-three-42");
            assertFalse(after.contains("log-two-42"), "cleared: " + after);
        }
    }

    @Test
    void logOfAStoppedContainerIsItsConsoleLogFile() throws Exception {
        String stopped = containers.launch("console-log");
        exec(stopped, "echo before-stop-$((6*7)) >/dev/console");
        containers.forceStop(stopped);
        assertTrue(consoleLog(stopped).contains("before-stop-42"));
        Envelopes.sync(Api.given(corrald).delete("/1.0/instances/" + stopped + "/console"));
        assertEquals("", consoleLog(stopped));
        containers.delete(stopped);

        String never = containers.createStopped("console-never");
        assertEquals("", consoleLog(never), "no log yet: empty");
        Envelopes.error(Api.given(corrald).delete("/1.0/instances/" + never + "/console"), 404);
        containers.delete(never);
    }

    // ---- errors

    @Test
    void badRequests() {
        String stopped = containers.createStopped("console-bad");
        String base = "/1.0/instances/";
        assertEquals("Instance is not running",
                Envelopes.error(Api.given(corrald).body("{}").post(base + stopped + "/console"), 400));
        assertEquals("Unknown console type \"bogus\"", Envelopes.error(Api.given(corrald)
                .body("{\"type\":\"bogus\"}").post(base + c + "/console"), 400));
        assertEquals("VGA console is only supported by virtual machines", Envelopes.error(Api.given(corrald)
                .body("{\"type\":\"vga\"}").post(base + c + "/console"), 400));
        Envelopes.error(Api.given(corrald).body("{\"nope\":1}").post(base + c + "/console"), 400);
        Envelopes.error(Api.given(corrald).body("{\"width\":\"wide\"}").post(base + c + "/console"), 400);
        Envelopes.error(Api.given(corrald).body("{}").post(base + "no-such-instance/console"), 404);
        Envelopes.error(Api.given(corrald).get(base + "no-such-instance/console"), 404);
        Envelopes.error(Api.given(corrald).delete(base + "no-such-instance/console"), 404);
        assertEquals("Invalid value for type parameter: bogus",
                Envelopes.error(Api.given(corrald).get(base + c + "/console?type=bogus"), 500));
        containers.action(c, "freeze");
        try {
            assertEquals("Instance is frozen",
                    Envelopes.error(Api.given(corrald).body("{}").post(base + c + "/console"), 400));
        } finally {
            containers.action(c, "unfreeze");
        }
        containers.delete(stopped);
    }

    // ---- helpers

    private static void typeUntil(Tmux tmux, String line, String regex) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            tmux.keys("Enter");
            tmux.keys(line, "Enter");
            try {
                String pane = tmux.pane();
                if (java.util.regex.Pattern.compile(regex).matcher(pane).find()) {
                    return;
                }
                Thread.sleep(300);
                if (java.util.regex.Pattern.compile(regex).matcher(tmux.pane()).find()) {
                    return;
                }
            } catch (AssertionError e) {
                // not yet
            }
            assertTrue(System.nanoTime() < deadline, "console never showed " + regex + ":\n" + tmux.pane());
        }
    }

    /** ctrl+a, then q, as two reads of the CLI (it looks at the first byte of each read only). */
    private static void detach(Tmux tmux) throws Exception {
        tmux.keys("C-a");
        Thread.sleep(300);
        tmux.keys("q");
    }

    private static void awaitAttached(Console console) throws Exception {
        console.typeUntil("echo attached-$((6*7))", "attached-42");
    }

    private static void awaitOperation(Predicate<JsonNode> match) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode running = Envelopes.sync(Api.given(corrald).get("/1.0/operations?recursion=1"))
                    .path("running");
            for (JsonNode op : running) {
                if (match.test(op)) {
                    return;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no such operation running");
    }

    private static String consoleLog(String instance) {
        Response r = Api.given(corrald).get("/1.0/instances/" + instance + "/console");
        assertEquals(200, r.statusCode(), r.asString());
        assertTrue(r.contentType().startsWith("application/octet-stream"), r.contentType());
        return r.asString();
    }

    private static String readLogUntil(String instance, String text) throws InterruptedException {
        StringBuilder seen = new StringBuilder();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!seen.toString().contains(text) && System.nanoTime() < deadline) {
            seen.append(consoleLog(instance));
            Thread.sleep(50);
        }
        return seen.toString();
    }

    private static void exec(String command) throws IOException, InterruptedException {
        exec(c, command);
    }

    private static void exec(String instance, String command) throws IOException, InterruptedException {
        incus.run("exec", instance, "--", "sh", "-c", command).assertSuccess();
    }
}
