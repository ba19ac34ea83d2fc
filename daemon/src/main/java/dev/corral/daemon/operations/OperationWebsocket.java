package dev.corral.daemon.operations;

import dev.corral.daemon.http.ApiResponse;
import dev.corral.daemon.http.Request;
import dev.corral.daemon.http.WebSocketKeepAlive;
import dev.corral.operations.MessageChannel;
import dev.corral.operations.OperationRegistry;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import java.util.function.Consumer;

/** {@code GET /1.0/operations/{id}/websocket?secret=}: upgrades and hands the socket to the operation's stream. */
final class OperationWebsocket {

    private OperationWebsocket() {
    }

    static Future<ApiResponse> connect(OperationRegistry registry, Request request) {
        String id = request.pathParam("id");
        String secret = request.query("secret");
        registry.checkStream(id, secret);
        return request.raw().toWebSocket().map(socket -> {
            if (!registry.connect(id, secret, new SocketChannel(socket))) {
                socket.close((short) 1008, "stream unavailable");
            } else {
                WebSocketKeepAlive.start(request.vertx(), socket);
            }
            return new ApiResponse.Upgraded();
        });
    }

    /**
     * A Vert.x server websocket seen as an operation stream. Its handlers are registered at the upgrade and what
     * arrives before the operation listens is queued, then replayed in order: a client may send its data and close
     * a stream (stdin of exec) before the operation has even started, and Vert.x accepts no handlers on a socket
     * that is already closed.
     */
    private static final class SocketChannel implements MessageChannel {

        private final ServerWebSocket socket;
        private final java.util.List<Runnable> early = new java.util.ArrayList<>();
        private Consumer<String> onText;
        private Consumer<byte[]> onBinary;
        private Runnable onClose;

        SocketChannel(ServerWebSocket socket) {
            this.socket = socket;
            socket.textMessageHandler(text -> deliver(() -> onText.accept(text)));
            socket.binaryMessageHandler(buffer -> {
                byte[] bytes = buffer.getBytes();
                deliver(() -> onBinary.accept(bytes));
            });
            socket.closeHandler(ignored -> deliver(() -> onClose.run()));
        }

        private synchronized void deliver(Runnable event) {
            if (onText == null) {
                early.add(event);
            } else {
                event.run();
            }
        }

        @Override
        public void sendText(String message) {
            socket.writeTextMessage(message);
        }

        @Override
        public void sendBinary(byte[] data) {
            socket.writeBinaryMessage(Buffer.buffer(data));
        }

        @Override
        public void close() {
            socket.close();
        }

        @Override
        public synchronized void listen(Consumer<String> onText, Consumer<byte[]> onBinary, Runnable onClose) {
            this.onBinary = onBinary;
            this.onClose = onClose;
            this.onText = onText;
            early.forEach(Runnable::run);
            early.clear();
        }
    }
}
