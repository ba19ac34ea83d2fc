package dev.corral.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.corral.api.Operation;
import dev.corral.api.StatusCode;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpMethod;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The operation handle. Waiting works with both daemons' {@code /wait} dialects: Corral answers a wait that times
 * out with the operation as it is (not final), the real Incus with an error envelope (and answers a failed operation's
 * wait with an error envelope too, under HTTP 200); an error is therefore checked against the operation itself.
 */
final class OperationHandleImpl implements OperationHandle {

    /** Longest single {@code /wait} request; longer waits are several. */
    static final long MAX_WAIT_CHUNK_SECONDS = 60;

    private final Transport transport;
    private final String id;
    private volatile Operation snapshot;

    OperationHandleImpl(Transport transport, Operation operation) {
        this.transport = transport;
        this.id = operation.id() == null ? "" : operation.id();
        this.snapshot = operation;
    }

    /** The stand-in for a change a daemon answered synchronously: a finished, successful operation. */
    @SuppressWarnings("unchecked")
    static Operation finishedAtOnce(JsonNode metadata) {
        Map<String, Object> meta = metadata != null && metadata.isObject()
                ? ClientJson.MAPPER.convertValue(metadata, Map.class) : Map.of();
        String now = Instant.now().toString();
        return new Operation("", "task", "", now, now, StatusCode.SUCCESS.text(), StatusCode.SUCCESS.code(), Map.of(),
                meta, false, "", "");
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public Operation snapshot() {
        return snapshot;
    }

    @Override
    public Map<String, String> secrets() {
        Map<String, Object> metadata = snapshot.metadata();
        Map<String, String> secrets = new LinkedHashMap<>();
        if (metadata != null && metadata.get("fds") instanceof Map<?, ?> fds) {
            fds.forEach((name, secret) -> {
                if (secret instanceof String s) {
                    secrets.put(String.valueOf(name), s);
                }
            });
        }
        return secrets;
    }

    private String path() {
        return "/1.0/operations/" + Transport.seg(id);
    }

    private boolean synthetic() {
        return id.isEmpty();
    }

    @Override
    public CompletableFuture<Operation> refresh() {
        return transport.toPublic(refreshInternal());
    }

    Future<Operation> refreshInternal() {
        if (synthetic()) {
            return Future.succeededFuture(snapshot);
        }
        return transport.call(HttpMethod.GET, transport.uri(path()), null)
                .map(response -> remember(Transport.metadata(response, ClientJson.type(Operation.class))));
    }

    private Operation remember(Operation operation) {
        snapshot = operation;
        return operation;
    }

    @Override
    public CompletableFuture<Operation> await(Duration timeout) {
        return transport.toPublic(awaitInternal(timeout));
    }

    @Override
    public CompletableFuture<Operation> await(Duration timeout, Consumer<OperationProgress> progress) {
        CompletableFuture<Subscription> watching = onProgress(progress);
        return await(timeout).whenComplete((op, failure) -> watching.thenAccept(Subscription::close));
    }

    /** The final, successful operation; or a failure (failed, cancelled, timeout). */
    Future<Operation> awaitInternal(Duration timeout) {
        if (synthetic() || isFinal(snapshot)) {
            return settle(snapshot);
        }
        Promise<Operation> promise = Promise.promise();
        long timeoutMs = Transport.millis(timeout);
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        long timer = transport.vertx().setTimer(timeoutMs, fired -> promise.tryFail(CorralException.timeout(
                "operation " + id + " (" + snapshot.description() + ") did not end within " + timeout)));
        step(promise, deadline);
        return promise.future().andThen(done -> transport.vertx().cancelTimer(timer));
    }

    private void step(Promise<Operation> promise, long deadline) {
        if (promise.future().isComplete()) {
            return;
        }
        long remainingMs = (deadline - System.nanoTime()) / 1_000_000L;
        if (remainingMs <= 0) {
            return; // the timer fails the promise
        }
        long chunk = Math.min(MAX_WAIT_CHUNK_SECONDS, (remainingMs + 999) / 1000);
        long requestTimeout = chunk * 1000 + Transport.millis(transport.options().requestTimeout());
        transport.call(HttpMethod.GET, transport.uri(path() + "/wait", "timeout", Long.toString(chunk)), null,
                        requestTimeout)
                .compose(response -> {
                    try {
                        return Future.succeededFuture(remember(Transport.metadata(response,
                                ClientJson.type(Operation.class))));
                    } catch (CorralException error) {
                        if (error.kind() != CorralException.Kind.ERROR_RESPONSE) {
                            return Future.failedFuture(error);
                        }
                        return afterWaitError(error);
                    }
                })
                .onSuccess(op -> {
                    if (isFinal(op)) {
                        settle(op).onComplete(promise);
                    } else {
                        step(promise, deadline);
                    }
                })
                .onFailure(failure -> {
                    if (failure instanceof CorralException c && c.kind() == CorralException.Kind.TIMEOUT) {
                        step(promise, deadline); // a slow answer; the overall deadline still holds
                    } else {
                        promise.tryFail(failure);
                    }
                });
    }

    /**
     * The wait answered an error: Incus's answer to a wait that timed out or to a failed operation. The operation
     * itself tells which; an operation that is gone already ended, and the error is its failure.
     */
    private Future<Operation> afterWaitError(CorralException waitError) {
        if (waitError.isNotFound() && isFinal(snapshot)) {
            return Future.succeededFuture(snapshot);
        }
        return refreshInternal().recover(failure -> {
            CorralException refreshError = CorralException.unwrap(failure);
            if (refreshError != null && refreshError.isNotFound()) {
                return Future.failedFuture(waitError.isNotFound() ? waitError
                        : CorralException.operationFailed(waitError.getMessage()));
            }
            return Future.failedFuture(failure);
        });
    }

    static boolean isFinal(Operation op) {
        int code = op.statusCode();
        return code == StatusCode.SUCCESS.code() || code == StatusCode.FAILURE.code()
                || code == StatusCode.CANCELLED.code();
    }

    private static Future<Operation> settle(Operation op) {
        if (op.statusCode() == StatusCode.SUCCESS.code()) {
            return Future.succeededFuture(op);
        }
        return Future.failedFuture(CorralException.operationEnded(op));
    }

    @Override
    public CompletableFuture<Void> cancel() {
        if (synthetic()) {
            return CompletableFuture.failedFuture(CorralException.errorResponse(400,
                    "this change finished at once; there is no operation to cancel"));
        }
        return transport.sync(HttpMethod.DELETE, transport.uri(path()), null);
    }

    @Override
    public CompletableFuture<Subscription> onUpdate(Consumer<Operation> listener) {
        return transport.toPublic(OperationWatch.start(transport, this, listener));
    }

    @Override
    public CompletableFuture<Subscription> onProgress(Consumer<OperationProgress> listener) {
        return onUpdate(op -> OperationProgress.of(op).ifPresent(listener));
    }

    @Override
    public CompletableFuture<WebSocketConnection> websocket(String secret,
            StreamCallback<WebSocketMessage> callback) {
        return transport.toPublic(websocketInternal(secret, callback).map(stream -> stream));
    }

    Future<WebSocketStream> websocketInternal(String secret, StreamCallback<WebSocketMessage> callback) {
        if (synthetic()) {
            return Future.failedFuture(CorralException.errorResponse(400, "no operation, no websocket"));
        }
        return WebSocketStream.open(transport, transport.uri(path() + "/websocket", "secret", secret), callback);
    }

    /** The resources the operation names, e.g. {@code instances -> [/1.0/instances/c1]}. */
    Optional<List<String>> resources(String kind) {
        Map<String, List<String>> resources = snapshot.resources();
        return resources == null ? Optional.empty() : Optional.ofNullable(resources.get(kind));
    }

    @Override
    public String toString() {
        return "Operation[" + id + " " + snapshot.description() + ": " + snapshot.status() + "]";
    }
}
