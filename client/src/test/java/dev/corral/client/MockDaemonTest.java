package dev.corral.client;

import static dev.corral.client.Await.done;
import static dev.corral.client.Await.failure;
import static dev.corral.client.MockDaemon.async;
import static dev.corral.client.MockDaemon.error;
import static dev.corral.client.MockDaemon.operation;
import static dev.corral.client.MockDaemon.send;
import static dev.corral.client.MockDaemon.sync;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corral.api.Instance;
import dev.corral.api.Operation;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Error mapping, operation waiting and websockets against a scripted daemon: no corrald, no Incus. */
class MockDaemonTest {

    static final String ID = "2b1e7a8c-0000-4000-8000-000000000001";

    @TempDir
    Path dir;
    MockDaemon daemon;
    Corral client;

    @BeforeEach
    void start() throws Exception {
        daemon = MockDaemon.unix(dir);
        client = Corral.connectUnix(daemon.socket, ClientOptions.defaults().withRequestTimeout(Duration.ofSeconds(20)));
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        daemon.close();
    }

    // ---- errors ----

    @Test
    void anErrorEnvelopeIsACorralExceptionWithItsCodeAndMessage() {
        daemon.on("GET /1.0/instances/c1", r -> error(r, 404, "Instance not found"));
        CorralException e = failure(client.instances().get("c1"));
        assertEquals(CorralException.Kind.ERROR_RESPONSE, e.kind());
        assertEquals(404, e.errorCode());
        assertEquals("Instance not found", e.getMessage());
        assertTrue(e.isNotFound());

        daemon.on("POST /1.0/instances", r -> error(r, 400, "Invalid instance name"));
        CorralException bad = failure(client.instances().create(CreateInstance.empty().withName("x")));
        assertTrue(bad.isBadRequest());
        assertEquals("Invalid instance name", bad.getMessage());
    }

    @Test
    void anErrorEnvelopeUnderHttp200IsStillAnError() {
        // Incus's /wait sends its 200 before it knows the outcome; errors then come in the body.
        daemon.on("GET /1.0", r -> send(r, 200, MockDaemon.envelope("error", "", 0, "", 500, "boom", null)));
        CorralException e = failure(client.server().get());
        assertEquals(500, e.errorCode());
        assertEquals("boom", e.getMessage());
    }

    @Test
    void answersThatAreNotEnvelopes() {
        daemon.on("GET /1.0", r -> r.response().setStatusCode(502).end("bad gateway"));
        CorralException gateway = failure(client.server().get());
        assertEquals(CorralException.Kind.ERROR_RESPONSE, gateway.kind());
        assertEquals(502, gateway.errorCode());
        assertTrue(gateway.getMessage().contains("bad gateway"));

        daemon.on("GET /1.0", r -> r.response().end("{\"hello\":1}"));
        assertEquals(CorralException.Kind.PROTOCOL, failure(client.server().get()).kind());

        daemon.on("GET /1.0", r -> sync(r, List.of("not", "a", "server")));
        assertEquals(CorralException.Kind.PROTOCOL, failure(client.server().get()).kind());
    }

    @Test
    void aSilentDaemonIsATimeout() {
        daemon.on("GET /1.0", r -> { }); // never answers
        try (Corral impatient = Corral.connectUnix(daemon.socket,
                ClientOptions.defaults().withRequestTimeout(Duration.ofSeconds(1)))) {
            long start = System.nanoTime();
            CorralException e = failure(impatient.server().get());
            assertEquals(CorralException.Kind.TIMEOUT, e.kind());
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(ms >= 900 && ms < 10_000, "timed out after " + ms + " ms (request timeout 1 s)");
        }
    }

    @Test
    void unknownFieldsAndNullsAreTolerated() {
        daemon.on("GET /1.0/instances/c1", r -> sync(r, Map.of("name", "c1", "status", "Running",
                "status_code", 103, "a_field_from_the_future", Map.of("x", 1), "config", Map.of("k", "v"))));
        Instance c1 = done(client.instances().get("c1"));
        assertEquals("c1", c1.name());
        assertEquals(103, c1.statusCode());
        assertEquals(false, c1.ephemeral());
        // Incus answers an empty list as null
        daemon.on("GET /1.0/storage-pools", r -> sync(r, null));
        assertEquals(List.of(), done(client.storagePools().list()));
        assertEquals(List.of(), done(client.storagePools().names()));
    }

    @Test
    void theProjectAndEscapedNamesAreInTheUrl() throws Exception {
        daemon.on("GET /1.0/profiles/a%20b", r -> sync(r, Map.of("name", "a b")));
        try (Corral inProject = Corral.connectUnix(daemon.socket, ClientOptions.defaults().withProject("dev"))) {
            assertEquals("a b", done(inProject.profiles().get("a b")).name());
        }
        assertEquals("GET /1.0/profiles/a%20b?project=dev", daemon.requests.get(daemon.requests.size() - 1));
    }

    @Test
    void namesComeFromUrls() {
        daemon.on("GET /1.0/instances", r -> sync(r, List.of("/1.0/instances/c1", "/1.0/instances/c%202?project=p")));
        assertEquals(List.of("c1", "c 2"), done(client.instances().names()));
        daemon.on("GET /1.0/operations", r -> sync(r, Map.of("running", List.of("/1.0/operations/a"),
                "success", List.of("/1.0/operations/b"))));
        assertEquals(List.of("a", "b"), done(client.operations().ids()).stream().sorted().toList());
    }

    // ---- operation waiting ----

    private void changeAnswersOperation() {
        daemon.on("PUT /1.0/instances/c1/state", r -> async(r, operation(ID, 103, "Running", "", null)));
    }

    @Test
    void waitingInCorralsDialect() {
        // Corral answers a wait that times out with the operation as it is, twice here, then the final one.
        changeAnswersOperation();
        AtomicInteger waits = new AtomicInteger();
        daemon.on("GET /1.0/operations/" + ID + "/wait", r -> sync(r, waits.incrementAndGet() < 3
                ? operation(ID, 103, "Running", "", null) : operation(ID, 200, "Success", "", Map.of("k", "v"))));
        OperationHandle op = done(client.instances().start("c1"));
        assertEquals(ID, op.id());
        Operation finished = done(op.await(Duration.ofSeconds(30)));
        assertEquals("Success", finished.status());
        assertEquals("v", finished.metadata().get("k"));
        assertEquals(3, waits.get());
        assertTrue(daemon.requests.stream().anyMatch(u -> u.startsWith("GET /1.0/operations/" + ID + "/wait?timeout=")));
    }

    @Test
    void waitingInIncusDialect() {
        // Incus answers a wait that times out with an error envelope under HTTP 200: the operation itself decides.
        changeAnswersOperation();
        AtomicInteger gets = new AtomicInteger();
        daemon.on("GET /1.0/operations/" + ID + "/wait", r -> send(r, 200,
                MockDaemon.envelope("error", "", 0, "", 500, "context deadline exceeded", null)));
        daemon.on("GET /1.0/operations/" + ID, r -> sync(r, gets.incrementAndGet() < 2
                ? operation(ID, 103, "Running", "", null) : operation(ID, 200, "Success", "", null)));
        assertEquals("Success", done(done(client.instances().start("c1")).await(Duration.ofSeconds(30))).status());
        assertEquals(2, gets.get());
    }

    @Test
    void aFailedOperationIsAnOperationFailure() {
        changeAnswersOperation();
        daemon.on("GET /1.0/operations/" + ID + "/wait", r -> send(r, 200,
                MockDaemon.envelope("error", "", 0, "", 500, "Failed to start: no init", null)));
        daemon.on("GET /1.0/operations/" + ID, r -> sync(r, operation(ID, 400, "Failure",
                "Failed to start: no init", null)));
        CorralException e = failure(client.instances().startAndWait("c1", Duration.ofSeconds(30)));
        assertEquals(CorralException.Kind.OPERATION_FAILED, e.kind());
        assertEquals(400, e.errorCode());
        assertEquals("Failed to start: no init", e.getMessage());
        assertEquals("Failure", e.operation().status());
    }

    @Test
    void anOperationThatIsGoneFailsWithTheWaitsError() {
        changeAnswersOperation();
        daemon.on("GET /1.0/operations/" + ID + "/wait", r -> send(r, 200,
                MockDaemon.envelope("error", "", 0, "", 500, "disk full", null)));
        CorralException e = failure(done(client.instances().start("c1")).await(Duration.ofSeconds(30)));
        assertEquals(CorralException.Kind.OPERATION_FAILED, e.kind());
        assertEquals("disk full", e.getMessage());
    }

    @Test
    void aCancelledOperation() {
        changeAnswersOperation();
        daemon.on("GET /1.0/operations/" + ID + "/wait", r -> sync(r, operation(ID, 401, "Cancelled", "", null)));
        daemon.on("DELETE /1.0/operations/" + ID, r -> sync(r, null));
        OperationHandle op = done(client.instances().start("c1"));
        done(op.cancel());
        assertTrue(daemon.requests.contains("DELETE /1.0/operations/" + ID));
        assertEquals(CorralException.Kind.OPERATION_CANCELLED, failure(op.await(Duration.ofSeconds(5))).kind());
    }

    @Test
    void theWaitEndsAtItsOwnDeadline() {
        changeAnswersOperation();
        daemon.on("GET /1.0/operations/" + ID + "/wait", r -> { }); // holds every wait
        OperationHandle op = done(client.instances().start("c1"));
        long start = System.nanoTime();
        CorralException e = failure(op.await(Duration.ofMillis(400)));
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertEquals(CorralException.Kind.TIMEOUT, e.kind());
        assertTrue(ms >= 350 && ms < 10_000, "timed out after " + ms + " ms");
    }

    @Test
    void aChangeAnsweredAtOnceNeedsNoWait() {
        daemon.on("PUT /1.0/instances/c1/state", r -> sync(r, null));
        OperationHandle op = done(client.instances().start("c1"));
        assertEquals("", op.id());
        assertEquals("Success", done(op.await(Duration.ofSeconds(1))).status());
        assertEquals(1, daemon.requests.size());
    }

    @Test
    void updatesByPollingWhenThereAreNoEvents() {
        changeAnswersOperation();
        AtomicInteger gets = new AtomicInteger();
        daemon.on("GET /1.0/operations/" + ID, r -> {
            int n = gets.incrementAndGet();
            sync(r, n < 3 ? operation(ID, 103, "Running", "", Map.of("progress", Map.of("stage", "unpack",
                    "percent", Integer.toString(n * 40), "speed", "0")))
                    : operation(ID, 200, "Success", "", null));
        });
        try (Corral polling = Corral.connectUnix(daemon.socket,
                ClientOptions.defaults().withPollInterval(Duration.ofMillis(50)))) {
            OperationHandle op = done(polling.instances().start("c1"));
            List<Operation> updates = new CopyOnWriteArrayList<>();
            Subscription s = done(op.onUpdate(updates::add));
            CorraldIntegrationTest.waitUntil(() -> !s.isOpen());
            assertEquals(List.of("Running", "Running", "Success"), updates.stream().map(Operation::status).toList());
            assertEquals(List.of(40, 80), updates.stream().flatMap(u -> OperationProgress.of(u).stream())
                    .map(OperationProgress::percent).toList());
        }
        assertTrue(daemon.count("GET /1.0/events") >= 1, "the event stream was tried first");
    }

    @Test
    void awaitWithProgress() {
        changeAnswersOperation();
        AtomicInteger gets = new AtomicInteger();
        daemon.on("GET /1.0/operations/" + ID, r -> sync(r, operation(ID, 103, "Running", "",
                Map.of("progress", Map.of("stage", "create_instance_from_image_unpack",
                        "percent", Integer.toString(Math.min(100, gets.incrementAndGet() * 10)), "speed", "0"),
                        "create_instance_from_image_unpack_progress", "Unpacking image: 10%"))));
        AtomicInteger waits = new AtomicInteger();
        daemon.on("GET /1.0/operations/" + ID + "/wait", r -> daemon.vertx.setTimer(waits.incrementAndGet() == 1
                ? 400 : 1, t -> sync(r, operation(ID, 200, "Success", "", null))));
        try (Corral polling = Corral.connectUnix(daemon.socket,
                ClientOptions.defaults().withPollInterval(Duration.ofMillis(50)))) {
            List<OperationProgress> progress = new CopyOnWriteArrayList<>();
            Operation done = done(done(polling.instances().start("c1")).await(Duration.ofSeconds(10),
                    progress::add));
            assertEquals("Success", done.status());
            assertTrue(progress.size() >= 2, progress::toString);
            assertEquals("create_instance_from_image_unpack", progress.get(0).stage());
            assertEquals("Unpacking image: 10%", progress.get(0).text());
        }
    }

    @Test
    void updatesFromOperationEvents() {
        changeAnswersOperation();
        daemon.on("GET /1.0/operations/" + ID, r -> sync(r, operation(ID, 103, "Running", "", null)));
        daemon.on("GET /1.0/events", r -> r.toWebSocket().onSuccess(ws -> daemon.vertx.setTimer(100, t -> {
            ws.writeTextMessage(MockDaemon.json(Map.of("type", "operation", "timestamp", "now",
                    "metadata", operation("someone-else", 200, "Success", "", null))));
            ws.writeTextMessage(MockDaemon.json(Map.of("type", "operation", "timestamp", "now",
                    "metadata", operation(ID, 200, "Success", "", Map.of("fingerprint", "abc")))));
        })));
        OperationHandle op = done(client.instances().start("c1"));
        List<Operation> updates = new CopyOnWriteArrayList<>();
        Subscription s = done(op.onUpdate(updates::add));
        CorraldIntegrationTest.waitUntil(() -> !s.isOpen());
        assertEquals(List.of("Running", "Success"), updates.stream().map(Operation::status).toList());
        assertEquals("abc", updates.get(1).metadata().get("fingerprint"));
        assertTrue(daemon.requests.contains("GET /1.0/events?type=operation"));
    }

    // ---- websockets ----

    @Test
    void websocketFramesBothWays() throws Exception {
        CompletableFuture<Buffer> pong = new CompletableFuture<>();
        daemon.on("GET /1.0/events", r -> r.toWebSocket().onSuccess(ws -> {
            ws.pongHandler(pong::complete);
            ws.writePing(Buffer.buffer("are you there"));
            // one message in three frames
            ws.writeFrame(WebSocketFrame.textFrame("{\"type\":\"logging\",", false));
            ws.writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer("\"timestamp\":\"t\","), false));
            ws.writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer(
                    "\"metadata\":{\"message\":\"hi\",\"level\":\"info\",\"context\":{}}}"), true));
        }));
        BlockingQueue<dev.corral.api.Event> events = new LinkedBlockingQueue<>();
        Subscription s = done(client.events().subscribe(java.util.Set.of(EventType.LOGGING), events::add));
        dev.corral.api.Event event = events.poll(10, TimeUnit.SECONDS);
        assertEquals("hi", EventMetadata.logging(event).orElseThrow().message());
        assertEquals("are you there", pong.get(10, TimeUnit.SECONDS).toString());
        s.close();
    }

    @Test
    void operationWebsocketsEchoLargeMessagesAndReportTheClose() throws Exception {
        daemon.on("POST /1.0/echo", r -> async(r, operation(ID, 103, "Running", "",
                Map.of("fds", Map.of("0", "secret0")))));
        daemon.on("GET /1.0/operations/" + ID + "/websocket", r -> {
            if (!"secret0".equals(r.getParam("secret"))) {
                error(r, 403, "Wrong secret");
                return;
            }
            r.toWebSocket().onSuccess(ws -> {
                ws.textMessageHandler(text -> {
                    if (text.equals("bye")) {
                        ws.close((short) 4000, "as asked");
                    } else {
                        ws.writeTextMessage(text);
                    }
                });
                ws.binaryMessageHandler(ws::writeBinaryMessage);
            });
        });
        OperationHandle op = done(client.raw().queryOperation("POST", "/1.0/echo", null));
        assertEquals(Map.of("0", "secret0"), op.secrets());
        assertEquals(403, failure(op.websocket("wrong", m -> { })).errorCode());

        BlockingQueue<WebSocketMessage> received = new LinkedBlockingQueue<>();
        CompletableFuture<Throwable> ended = new CompletableFuture<>();
        WebSocketConnection socket = done(op.websocket("secret0", new StreamCallback<>() {
            @Override
            public void onNext(WebSocketMessage message) {
                received.add(message);
            }

            @Override
            public void onError(Throwable error) {
                ended.complete(error);
            }

            @Override
            public void onComplete() {
                ended.complete(null);
            }
        }));
        byte[] big = new byte[200_000]; // more than one frame each way
        new Random(7).nextBytes(big);
        done(socket.sendBinary(big));
        assertArrayEquals(big, received.poll(10, TimeUnit.SECONDS).data());
        String text = "é".repeat(40_000);
        done(socket.sendText(text));
        assertEquals(text, received.poll(10, TimeUnit.SECONDS).asText());
        done(socket.sendText("bye"));
        Throwable closed = ended.get(10, TimeUnit.SECONDS);
        assertTrue(closed instanceof CorralException c && c.getMessage().contains("4000 as asked"),
                () -> "ended with " + closed);
        assertFalse(socket.isOpen());
    }

    // ---- exec, as Incus speaks it ----

    /** A scripted exec: prints on 1 and 2, echoes stdin to 1 until its barrier, reports control messages. */
    @Test
    void execProtocol() throws Exception {
        Map<String, ServerWebSocket> sockets = new java.util.concurrent.ConcurrentHashMap<>();
        List<String> control = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> finished = new CompletableFuture<>();
        Map<String, String> fds = Map.of("0", "s0", "1", "s1", "2", "s2", "control", "sc");
        daemon.on("POST /1.0/instances/c1/exec", r -> r.body().onSuccess(body -> {
            assertTrue(body.toString().contains("\"wait-for-websocket\":true"), body::toString);
            async(r, operation(ID, 103, "Running", "", Map.of("fds", fds)));
        }));
        daemon.on("GET /1.0/operations/" + ID + "/websocket", r -> {
            String stream = fds.entrySet().stream().filter(e -> e.getValue().equals(r.getParam("secret")))
                    .map(Map.Entry::getKey).findFirst().orElseThrow();
            r.toWebSocket().onSuccess(ws -> {
                sockets.put(stream, ws);
                if (stream.equals("control")) {
                    ws.textMessageHandler(control::add);
                }
                if (sockets.size() == 4) { // all connected: the command runs
                    sockets.get("1").writeBinaryMessage(Buffer.buffer("out "));
                    sockets.get("2").writeBinaryMessage(Buffer.buffer("err"));
                    sockets.get("2").writeTextMessage("");
                    sockets.get("0").binaryMessageHandler(data -> sockets.get("1").writeBinaryMessage(data));
                    sockets.get("0").textMessageHandler(barrier -> {
                        sockets.get("1").writeTextMessage("");
                        finished.complete(null);
                    });
                }
            });
        });
        daemon.on("GET /1.0/operations/" + ID + "/wait", r -> finished.thenRun(() -> sync(r,
                operation(ID, 200, "Success", "", Map.of("return", 3)))));

        RunningInstanceContract.Collector output = new RunningInstanceContract.Collector();
        ExecSession session = done(client.instances().exec("c1", ExecRequest.of("anything"), output));
        done(session.resize(100, 40));
        done(session.signal(15));
        done(session.writeStdin("in".getBytes(StandardCharsets.UTF_8)));
        done(session.closeStdin());
        assertEquals(3, done(session.exitCode()));
        done(output.done);
        assertEquals("out in", output.stdout.toString());
        assertEquals("err", output.stderr.toString());
        assertEquals(List.of("{\"command\":\"window-resize\",\"args\":{\"width\":\"100\",\"height\":\"40\"}}",
                "{\"command\":\"signal\",\"signal\":15}"), control.stream().map(MockDaemonTest::normalized).toList());
    }

    /** The JSON of a control message with its keys in a fixed order. */
    private static String normalized(String json) {
        try {
            var node = (com.fasterxml.jackson.databind.node.ObjectNode) ClientJson.MAPPER.readTree(json);
            var ordered = ClientJson.MAPPER.createObjectNode();
            ordered.set("command", node.get("command"));
            if (node.has("args")) {
                var args = ClientJson.MAPPER.createObjectNode();
                args.set("width", node.get("args").get("width"));
                args.set("height", node.get("args").get("height"));
                ordered.set("args", args);
            }
            if (node.has("signal")) {
                ordered.set("signal", node.get("signal"));
            }
            return ClientJson.MAPPER.writeValueAsString(ordered);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
