package dev.corral.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A small Incus REST client over one keep-alive unix-socket connection: sends JSON, parses the envelope, and
 * follows an async answer to the end of its operation with {@code GET /1.0/operations/<id>/wait?timeout=S}.
 *
 * <p>Every failure names the request and the answer it got, so a report can quote both. Not thread-safe:
 * one client per thread. A thread blocked in a request is released by interrupting it (the channel closes).
 */
final class RestClient implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();

    /** How much of an answer body a failure message quotes. */
    private static final int QUOTE_CHARS = 600;

    private final Path socket;
    private HttpConnection connection;

    RestClient(Path socket) {
        this.socket = socket;
    }

    /** One answer: the HTTP status, the parsed body ({@link MissingNode} when it was not JSON) and its text. */
    record Answer(int status, JsonNode body, String text) {
        boolean success() {
            return status >= 200 && status < 300;
        }

        /** The envelope's {@code type}: sync, async or error. */
        String type() {
            return body.path("type").asText("");
        }

        JsonNode metadata() {
            return body.path("metadata");
        }

        /** Status and body, the body cut at {@value #QUOTE_CHARS} characters. */
        String quote() {
            String t = text.length() > QUOTE_CHARS ? text.substring(0, QUOTE_CHARS) + "...(" + text.length()
                    + " chars)" : text;
            return "HTTP " + status + " " + t.strip();
        }
    }

    /** A request that got an answer saying it did not work, or no final answer in time. */
    static final class Failed extends Exception {
        Failed(String message) {
            super(message);
        }
    }

    /** Sends one request and reads the whole answer; on an I/O error the connection is dropped and reopened next time. */
    Answer call(String method, String path, Object body) throws IOException {
        String json = body == null ? null : toJson(body);
        HttpRequest request = HttpRequest.of(method, path, json);
        ByteArrayOutputStream sink = new ByteArrayOutputStream(4096);
        ResponseReader.Response response;
        try {
            if (connection == null) {
                connection = HttpConnection.open(socket);
            }
            response = connection.exchange(request, sink);
        } catch (IOException | RuntimeException e) {
            drop();
            throw e;
        }
        if (response.closeConnection()) {
            drop();
        }
        String text = sink.toString(StandardCharsets.UTF_8);
        JsonNode parsed;
        try {
            parsed = text.isEmpty() ? MissingNode.getInstance() : JSON.readTree(text);
        } catch (JsonProcessingException e) {
            parsed = MissingNode.getInstance();
        }
        return new Answer(response.status(), parsed == null ? MissingNode.getInstance() : parsed, text);
    }

    /**
     * Sends a request that changes something and, if the answer is an operation, waits for the operation to
     * end. Returns the final answer (the sync answer, or the operation's wait answer).
     *
     * @param deadlineNanos when to give up waiting ({@link System#nanoTime()} clock)
     * @throws Failed when the request or its operation failed, or the operation had not ended by the deadline
     */
    Answer run(String method, String path, Object body, long deadlineNanos) throws IOException, Failed {
        String what = method + " " + path + (body == null ? "" : " " + toJson(body));
        Answer answer = call(method, path, body);
        if (!answer.success() || "error".equals(answer.type())) {
            throw new Failed(what + " -> " + answer.quote());
        }
        if (!"async".equals(answer.type())) {
            return answer;
        }
        String operation = answer.body().path("operation").asText("");
        if (operation.isEmpty()) {
            throw new Failed(what + " -> async answer without an operation: " + answer.quote());
        }
        // Bounded: each turn either ends the loop or waits until the deadline, after which the loop ends.
        while (true) {
            long leftNanos = deadlineNanos - System.nanoTime();
            if (leftNanos <= 0) {
                throw new Failed(what + " -> operation " + operation + " not finished within the time limit");
            }
            long seconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(leftNanos + 999_999_999L));
            String waitPath = operation + "/wait?timeout=" + seconds;
            Answer waited = call("GET", waitPath, null);
            if (!waited.success()) {
                if (System.nanoTime() >= deadlineNanos) {
                    throw new Failed(what + " -> operation " + operation + " not finished within the time limit; "
                            + "GET " + waitPath + " -> " + waited.quote());
                }
                throw new Failed(what + " -> GET " + waitPath + " -> " + waited.quote());
            }
            int code = waited.metadata().path("status_code").asInt(0);
            if (code == 200) {
                return waited;
            }
            if (code >= 400) {
                throw new Failed(what + " -> operation " + waited.metadata().path("status").asText("?")
                        + ": " + waited.metadata().path("err").asText("") + " (GET " + waitPath + " -> "
                        + waited.quote() + ")");
            }
            // Still running (the wait timed out on the server side): ask again while time is left.
        }
    }

    /** Names of the instances in the default project ({@code GET /1.0/instances}, without recursion). */
    List<String> instanceNames() throws IOException, Failed {
        Answer a = call("GET", "/1.0/instances", null);
        if (!a.success() || !a.metadata().isArray()) {
            throw new Failed("GET /1.0/instances -> " + a.quote());
        }
        List<String> names = new ArrayList<>();
        for (JsonNode url : a.metadata()) {
            String u = url.asText();
            int query = u.indexOf('?');
            if (query >= 0) {
                u = u.substring(0, query);
            }
            names.add(u.substring(u.lastIndexOf('/') + 1));
        }
        return names;
    }

    static String toJson(Object body) {
        try {
            return JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot serialise " + body, e);
        }
    }

    private void drop() {
        if (connection != null) {
            try {
                connection.close();
            } catch (IOException e) {
                // The connection is being thrown away; a close error changes nothing for the next request.
                System.err.println("warning: closing connection failed: " + e);
            }
            connection = null;
        }
    }

    @Override
    public void close() {
        drop();
    }
}
