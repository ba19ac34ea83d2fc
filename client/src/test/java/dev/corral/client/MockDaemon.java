package dev.corral.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A scripted stand-in for a daemon, for unit tests without one: a Vert.x HTTP server on a unix socket (or TLS, see
 * {@link TlsTest}) whose routes ({@code "GET /1.0"}) the test sets, with helpers that answer in Incus's envelopes.
 * Unknown routes answer Incus's 404 envelope. Every request is logged as {@code "METHOD uri"}.
 */
final class MockDaemon implements AutoCloseable {

    final Vertx vertx;
    final HttpServer server;
    final Path socket;
    final List<String> requests = new CopyOnWriteArrayList<>();
    private final Map<String, Handler<HttpServerRequest>> routes = new ConcurrentHashMap<>();

    private MockDaemon(Vertx vertx, HttpServerOptions options, SocketAddress address, Path socket) throws Exception {
        this.vertx = vertx;
        this.socket = socket;
        this.server = vertx.createHttpServer(options).requestHandler(this::handle);
        server.listen(address).await(10, TimeUnit.SECONDS);
    }

    static MockDaemon unix(Path dir) throws Exception {
        Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true).setEventLoopPoolSize(1));
        Path socket = dir.resolve("mock.socket");
        return new MockDaemon(vertx, new HttpServerOptions(), SocketAddress.domainSocketAddress(socket.toString()),
                socket);
    }

    static MockDaemon tcp(HttpServerOptions options) throws Exception {
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        return new MockDaemon(vertx, options, SocketAddress.inetSocketAddress(0, "127.0.0.1"), null);
    }

    int port() {
        return server.actualPort();
    }

    /** Sets the handler of {@code "METHOD /path"} (the path without its query). */
    MockDaemon on(String route, Handler<HttpServerRequest> handler) {
        routes.put(route, handler);
        return this;
    }

    private void handle(HttpServerRequest request) {
        requests.add(request.method() + " " + request.uri());
        Handler<HttpServerRequest> handler = routes.get(request.method() + " " + request.path());
        if (handler == null) {
            error(request, 404, "not found");
        } else {
            handler.handle(request);
        }
    }

    long count(String prefix) {
        return requests.stream().filter(r -> r.startsWith(prefix)).count();
    }

    // ---- answers ----

    static String json(Object value) {
        try {
            return ClientJson.MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static void send(HttpServerRequest request, int status, Map<String, Object> envelope) {
        request.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(json(envelope));
    }

    static void sync(HttpServerRequest request, Object metadata) {
        send(request, 200, envelope("sync", "Success", 200, "", 0, "", metadata));
    }

    static void error(HttpServerRequest request, int code, String message) {
        send(request, code, envelope("error", "", 0, "", code, message, null));
    }

    static void async(HttpServerRequest request, Map<String, Object> operation) {
        request.response().putHeader("Location", "/1.0/operations/" + operation.get("id"));
        send(request, 202, envelope("async", "Operation created", 100, "/1.0/operations/" + operation.get("id"), 0,
                "", operation));
    }

    static Map<String, Object> envelope(String type, String status, int statusCode, String operation, int errorCode,
            String error, Object metadata) {
        Map<String, Object> envelope = new java.util.LinkedHashMap<>();
        envelope.put("type", type);
        envelope.put("status", status);
        envelope.put("status_code", statusCode);
        envelope.put("operation", operation);
        envelope.put("error_code", errorCode);
        envelope.put("error", error);
        envelope.put("metadata", metadata);
        return envelope;
    }

    /** An operation as Incus renders it (with a field these records do not know, as a newer daemon might send). */
    static Map<String, Object> operation(String id, int statusCode, String status, String err,
            Map<String, Object> metadata) {
        Map<String, Object> op = new java.util.LinkedHashMap<>();
        op.put("id", id);
        op.put("class", "task");
        op.put("description", "Mock operation");
        op.put("created_at", Instant.now().toString());
        op.put("updated_at", Instant.now().toString());
        op.put("status", status);
        op.put("status_code", statusCode);
        op.put("resources", null);
        op.put("metadata", metadata);
        op.put("may_cancel", true);
        op.put("err", err);
        op.put("location", "none");
        op.put("requestor", Map.of("username", "root"));
        return op;
    }

    @Override
    public void close() {
        try {
            vertx.close().await(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("the mock daemon did not close within 10 s", e);
        }
    }
}
