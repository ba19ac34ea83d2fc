package dev.corral.daemon.operations;

import dev.corral.daemon.http.ApiResponse;
import dev.corral.daemon.http.Request;
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
            // Hold incoming frames until the operation registers its handlers.
            socket.pause();
            if (!registry.connect(id, secret, new SocketChannel(socket))) {
                socket.close((short) 1008, "stream unavailable");
            }
            return new ApiResponse.Upgraded();
        });
    }

    /** A Vert.x server websocket seen as an operation stream. */
    private record SocketChannel(ServerWebSocket socket) implements MessageChannel {

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
        public void listen(Consumer<String> onText, Consumer<byte[]> onBinary, Runnable onClose) {
            socket.textMessageHandler(onText::accept);
            socket.binaryMessageHandler(buffer -> onBinary.accept(buffer.getBytes()));
            socket.closeHandler(closed -> onClose.run());
            socket.resume();
        }
    }
}
