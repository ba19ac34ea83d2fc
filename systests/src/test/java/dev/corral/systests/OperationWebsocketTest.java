package dev.corral.systests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * {@code /1.0/operations/{id}/websocket?secret=...}: the streams of a websocket operation (what exec and console
 * use), driven by corrald's echo test hook.
 */
class OperationWebsocketTest {

    @RegisterExtension
    static final Corrald corrald = Corrald.create().withTestHooks();

    @Test
    void websocketOperationAdvertisesItsStreams() {
        JsonNode op = TestOperations.echo(corrald);
        try {
            OperationsTest.assertOperationShape(op);
            assertEquals("websocket", op.get("class").asText());
            assertEquals("Running", op.get("status").asText());
            JsonNode fds = op.at("/metadata/fds");
            assertTrue(fds.isObject() && fds.path("0").isTextual() && !fds.path("0").asText().isBlank(),
                    "metadata.fds holds the secret of stream 0: " + op);
        } finally {
            TestOperations.cancelQuietly(corrald, op);
        }
    }

    @Test
    void streamEchoesTextAndBinaryAndTheOperationEndsWhenClosed() throws Exception {
        JsonNode op = TestOperations.echo(corrald);
        String id = op.get("id").asText();
        String secret = op.at("/metadata/fds/0").asText();
        BlockingQueue<Object> received = new LinkedBlockingQueue<>();
        try (WebSocket ws = WebSocket.connect(corrald.socket(),
                "/1.0/operations/" + id + "/websocket?secret=" + secret, new WebSocket.Listener() {
                    @Override
                    public void onText(String text) {
                        received.add(text);
                    }

                    @Override
                    public void onBinary(byte[] data) {
                        received.add(data);
                    }

                    @Override
                    public void onClose(int code, String reason) {
                        received.add("closed by the server: " + code + " " + reason);
                    }
                })) {
            ws.sendText("hello");
            assertEquals("hello", received.poll(10, TimeUnit.SECONDS));
            // 100 kB in 4 KiB continuation frames, as the Go clients send a large message
            byte[] big = new byte[100_000];
            for (int i = 0; i < big.length; i++) {
                big[i] = (byte) i;
            }
            ws.sendBinary(big);
            Object echoed = received.poll(10, TimeUnit.SECONDS);
            assertTrue(echoed instanceof byte[], "binary echo, got " + echoed);
            assertArrayEquals(big, (byte[]) echoed);
            ws.sendText("ünïcødé ✓");
            assertEquals("ünïcødé ✓", received.poll(10, TimeUnit.SECONDS));
        }
        JsonNode done = Envelopes.sync(Api.given(corrald).get("/1.0/operations/" + id + "/wait?timeout=10"));
        assertEquals("Success", done.get("status").asText(), "closing the stream ends the operation: " + done);
    }

    @Test
    void wrongOrReusedSecretIsRefused() throws Exception {
        JsonNode op = TestOperations.echo(corrald);
        String id = op.get("id").asText();
        String path = "/1.0/operations/" + id + "/websocket?secret=";
        try {
            WebSocket.HandshakeException wrong = assertThrows(WebSocket.HandshakeException.class,
                    () -> WebSocket.connect(corrald.socket(), path + "not-the-secret", text -> { }).close());
            Envelopes.error(wrong.response().status(), wrong.response().body(), 403);

            String secret = op.at("/metadata/fds/0").asText();
            try (WebSocket first = WebSocket.connect(corrald.socket(), path + secret, text -> { })) {
                assertTrue(first.isOpen());
                WebSocket.HandshakeException reused = assertThrows(WebSocket.HandshakeException.class,
                        () -> WebSocket.connect(corrald.socket(), path + secret, text -> { }).close());
                Envelopes.error(reused.response().status(), reused.response().body(), 403);
            }
        } finally {
            TestOperations.cancelQuietly(corrald, op);
        }
    }

    @Test
    void missingOperationIs404() {
        WebSocket.HandshakeException e = assertThrows(WebSocket.HandshakeException.class,
                () -> WebSocket.connect(corrald.socket(),
                        "/1.0/operations/" + UUID.randomUUID() + "/websocket?secret=x", text -> { }).close());
        assertEquals("Operation not found", Envelopes.error(e.response().status(), e.response().body(), 404));
    }

    @Test
    void operationWithoutStreamsRefusesAWebsocket() throws Exception {
        JsonNode op = TestOperations.start(corrald, 10_000, true, false);
        try {
            WebSocket.HandshakeException e = assertThrows(WebSocket.HandshakeException.class,
                    () -> WebSocket.connect(corrald.socket(), "/1.0/operations/" + op.get("id").asText()
                            + "/websocket?secret=x", text -> { }).close());
            int status = e.response().status();
            assertTrue(status == 400 || status == 403, "refused: " + e.getMessage());
            Envelopes.error(status, e.response().body(), status);
            assertFalse(e.response().body().getBytes(StandardCharsets.UTF_8).length == 0);
        } finally {
            TestOperations.cancelQuietly(corrald, op);
        }
    }
}
