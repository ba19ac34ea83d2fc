package dev.corral.daemon.http;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;

/**
 * Pings a websocket on the HTTPS listener while it lives: that listener closes idle connections, and a quiet
 * websocket (an event monitor, a shell waiting for input) is not idle.
 */
public final class WebSocketKeepAlive {

    private static final long PING_EVERY_MILLIS = 30_000;

    private WebSocketKeepAlive() {
    }

    public static void start(Vertx vertx, ServerWebSocket socket) {
        if (!socket.isSsl()) {
            return;
        }
        vertx.setPeriodic(PING_EVERY_MILLIS, timer -> {
            if (socket.isClosed()) {
                vertx.cancelTimer(timer);
            } else {
                socket.writePing(Buffer.buffer());
            }
        });
    }
}
