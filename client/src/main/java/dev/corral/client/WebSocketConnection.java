package dev.corral.client;

import java.util.concurrent.CompletableFuture;

/**
 * An open operation websocket ({@code /1.0/operations/{id}/websocket?secret=...}). What the daemon sends goes to the
 * {@link StreamCallback} given when it was opened. Thread-safe.
 */
public interface WebSocketConnection extends AutoCloseable {

    /** Sends a text message; completes when it is written. */
    CompletableFuture<Void> sendText(String text);

    /** Sends a binary message; completes when it is written. */
    CompletableFuture<Void> sendBinary(byte[] data);

    /** Starts the close handshake (normal closure); the callback completes once the connection is closed. */
    @Override
    void close();

    /** Whether the connection is still open. */
    boolean isOpen();
}
