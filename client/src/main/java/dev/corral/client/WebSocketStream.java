package dev.corral.client;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.concurrent.CompletableFuture;

/**
 * A websocket whose messages go to a {@link StreamCallback} through a {@link StreamDispatch} (in order, on the
 * callback threads, with back-pressure); the public {@link WebSocketConnection}.
 */
final class WebSocketStream implements WebSocketConnection, StreamDispatch.Source {

    private final Transport transport;
    private final StreamDispatch<WebSocketMessage> dispatch;
    private volatile WebSocketChannel channel;
    private volatile boolean open;

    private WebSocketStream(Transport transport, StreamCallback<WebSocketMessage> callback) {
        this.transport = transport;
        this.dispatch = new StreamDispatch<>(callback, transport.callbacks());
    }

    /** Connects; the callback starts once the upgrade succeeded (a failed upgrade only fails the future). */
    static Future<WebSocketStream> open(Transport transport, String uri, StreamCallback<WebSocketMessage> callback) {
        WebSocketStream stream = new WebSocketStream(transport, callback);
        return transport.websocket(uri, stream.listener()).map(channel -> stream);
    }

    private WebSocketChannel.Listener listener() {
        return new WebSocketChannel.Listener() {
            @Override
            public void onOpen(WebSocketChannel opened) {
                channel = opened;
                open = true;
                dispatch.start(WebSocketStream.this);
            }

            @Override
            public void onText(String text) {
                dispatch.next(WebSocketMessage.text(text));
            }

            @Override
            public void onBinary(Buffer data) {
                dispatch.next(WebSocketMessage.binary(data.getBytes()));
            }

            @Override
            public void onClose(int code, String reason) {
                open = false;
                // 1006 (no close frame) included: Incus drops stream websockets without one once a command ends.
                if (code == 1000 || code == 1001 || code == 1005 || code == 1006) {
                    dispatch.complete();
                } else {
                    dispatch.fail(CorralException.connection("websocket closed by the daemon: " + code
                            + (reason.isEmpty() ? "" : " " + reason), null));
                }
            }

            @Override
            public void onError(Throwable error) {
                open = false;
                dispatch.fail(error);
            }
        };
    }

    @Override
    public CompletableFuture<Void> sendText(String text) {
        return transport.toPublic(sendTextInternal(text));
    }

    @Override
    public CompletableFuture<Void> sendBinary(byte[] data) {
        return transport.toPublic(sendBinaryInternal(data));
    }

    Future<Void> sendTextInternal(String text) {
        return channel.sendText(text);
    }

    Future<Void> sendBinaryInternal(byte[] data) {
        return channel.sendBinary(Buffer.buffer(data));
    }

    @Override
    public void pause() {
        channel.pause();
    }

    @Override
    public void resume() {
        channel.resume();
    }

    @Override
    public void close() {
        WebSocketChannel c = channel;
        if (c != null) {
            c.close();
        }
    }

    @Override
    public boolean isOpen() {
        return open;
    }
}
