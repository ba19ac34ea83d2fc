package dev.corral.systests;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A subscription to {@code /1.0/events}: collects every JSON message the daemon sends, and lets a test wait for one
 * matching a predicate.
 *
 * <pre>
 * try (Events events = Events.connect(corrald, "type=lifecycle")) {
 *     ... cause something ...
 *     JsonNode e = events.await(m -&gt; "config-updated".equals(m.at("/metadata/action").asText()), Duration.ofSeconds(10));
 * }
 * </pre>
 */
final class Events implements AutoCloseable {

    /**
     * Pause after the handshake before the test acts. The real Incus sends 101 before it registers the listener,
     * so an event caused right after the handshake can be lost there; corrald should register first.
     */
    private static final Duration SETTLE = Duration.ofMillis(300);

    private final List<JsonNode> received = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private boolean closed;
    private WebSocket socket;

    private Events() {
    }

    /** Subscribes with {@code query} (e.g. {@code type=lifecycle}, {@code type=operation,lifecycle}, or ""). */
    static Events connect(Corrald daemon, String query) throws IOException, InterruptedException {
        Events events = new Events();
        String path = "/1.0/events" + (query == null || query.isEmpty() ? "" : "?" + query);
        events.socket = WebSocket.connect(daemon.socket(), path, events.new Collector());
        Thread.sleep(SETTLE.toMillis());
        return events;
    }

    /** Every message received so far, in order. */
    synchronized List<JsonNode> received() {
        return List.copyOf(received);
    }

    /** Waits until a message matching {@code match} has arrived (or had already); fails after {@code timeout}. */
    synchronized JsonNode await(Predicate<JsonNode> match, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int checked = 0;
        while (true) {
            for (; checked < received.size(); checked++) {
                if (match.test(received.get(checked))) {
                    return received.get(checked);
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0 || closed) {
                throw new AssertionError("no matching event within " + timeout.toMillis() + " ms"
                        + (closed ? " (stream closed)" : "") + "; received " + received.size() + ": "
                        + Json.abbreviate(received.toString(), 4000) + (problems.isEmpty() ? "" : "; " + problems));
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }

    /** Problems seen on the stream: non-JSON messages, binary frames, errors. */
    synchronized List<String> problems() {
        return List.copyOf(problems);
    }

    synchronized boolean isClosed() {
        return closed;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private final class Collector implements WebSocket.Listener {
        @Override
        public void onText(String text) {
            synchronized (Events.this) {
                try {
                    received.add(Json.MAPPER.readTree(text));
                } catch (IOException e) {
                    problems.add("not JSON: " + Json.abbreviate(text, 200));
                }
                Events.this.notifyAll();
            }
        }

        @Override
        public void onBinary(byte[] data) {
            synchronized (Events.this) {
                problems.add("binary frame of " + data.length + " bytes");
            }
        }

        @Override
        public void onClose(int code, String reason) {
            synchronized (Events.this) {
                closed = true;
                Events.this.notifyAll();
            }
        }

        @Override
        public void onError(Throwable error) {
            synchronized (Events.this) {
                problems.add(error.toString());
                closed = true;
                Events.this.notifyAll();
            }
        }
    }
}
