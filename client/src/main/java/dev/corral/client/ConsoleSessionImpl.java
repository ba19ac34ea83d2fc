package dev.corral.client;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpMethod;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Incus's console protocol, client side (as {@code client/incus_instances.go} {@code ConsoleInstance} speaks it):
 * {@code POST /1.0/instances/{name}/console} answers an operation whose {@code metadata.fds} holds a secret for
 * {@code control} and one for {@code 0}; control is connected first, then {@code 0}, which carries the console's
 * bytes both ways as binary messages. Resizing is a {@code window-resize} control message. Closing both sockets
 * detaches.
 */
final class ConsoleSessionImpl implements ConsoleSession {

    private final Transport transport;
    private final OperationHandleImpl operation;
    private final StreamDispatch<byte[]> dispatch;
    private final Promise<Void> ended = Promise.promise();
    private volatile WebSocketStream control;
    private volatile WebSocketStream terminal;

    private ConsoleSessionImpl(Transport transport, OperationHandleImpl operation, StreamCallback<byte[]> callback) {
        this.transport = transport;
        this.operation = operation;
        this.dispatch = new StreamDispatch<>(callback, transport.callbacks());
    }

    static Future<ConsoleSessionImpl> start(Transport transport, String instance, ConsoleRequest request,
            StreamCallback<byte[]> callback) {
        String uri = transport.uri("/1.0/instances/" + Transport.seg(instance) + "/console");
        return transport.asyncInternal(HttpMethod.POST, uri, request.toWire()).compose(op -> {
            Map<String, String> secrets = op.secrets();
            if (!secrets.containsKey("control") || !secrets.containsKey("0")) {
                return Future.failedFuture(CorralException.protocol("the console operation offers no streams "
                        + "\"control\" and \"0\" (fds: " + secrets.keySet() + ")", null));
            }
            ConsoleSessionImpl session = new ConsoleSessionImpl(transport, op, callback);
            return session.connect(secrets).map(ignored -> session).onFailure(failure -> session.close());
        });
    }

    private Future<Void> connect(Map<String, String> secrets) {
        return operation.websocketInternal(secrets.get("control"), new ControlMessages())
                .compose(socket -> {
                    control = socket;
                    return operation.websocketInternal(secrets.get("0"), new Output());
                })
                .map(socket -> {
                    terminal = socket;
                    dispatch.start(new StreamDispatch.Source() {
                        @Override
                        public void pause() {
                            socket.pause();
                        }

                        @Override
                        public void resume() {
                            socket.resume();
                        }

                        @Override
                        public void close() {
                            ConsoleSessionImpl.this.close();
                        }
                    });
                    return null;
                });
    }

    /** The control stream carries nothing back that matters; its end ends nothing by itself. */
    private static final class ControlMessages implements StreamCallback<WebSocketMessage> {
        @Override
        public void onNext(WebSocketMessage message) {
        }

        @Override
        public void onError(Throwable error) {
        }
    }

    /** The console's output; its end (a close, or a failure) is the end of the session. */
    private final class Output implements StreamCallback<WebSocketMessage> {
        @Override
        public void onNext(WebSocketMessage message) {
            if (!message.isText() && message.data().length > 0) {
                dispatch.next(message.data());
            }
        }

        @Override
        public void onError(Throwable error) {
            end();
        }

        @Override
        public void onComplete() {
            end();
        }
    }

    private void end() {
        if (ended.tryComplete()) {
            close();
            dispatch.complete();
        }
    }

    @Override
    public OperationHandle operation() {
        return operation;
    }

    @Override
    public CompletableFuture<Void> write(byte[] data) {
        return transport.toPublic(terminal.sendBinaryInternal(data));
    }

    @Override
    public CompletableFuture<Void> resize(int columns, int rows) {
        try {
            return transport.toPublic(control.sendTextInternal(ClientJson.MAPPER.writeValueAsString(Map.of(
                    "command", "window-resize",
                    "args", Map.of("width", Integer.toString(columns), "height", Integer.toString(rows))))));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return CompletableFuture.failedFuture(new IllegalStateException(e));
        }
    }

    @Override
    public CompletableFuture<Void> ended() {
        return transport.toPublic(ended.future());
    }

    @Override
    public void close() {
        WebSocketStream t = terminal;
        WebSocketStream c = control;
        if (t != null) {
            t.close();
        }
        if (c != null) {
            c.close();
        }
        if (t == null && c == null) {
            ended.tryComplete();
        }
    }
}
