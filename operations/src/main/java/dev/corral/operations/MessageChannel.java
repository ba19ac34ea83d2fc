package dev.corral.operations;

import java.util.function.Consumer;

/**
 * A websocket as operations see it, without any HTTP: the daemon adapts its server websockets to this. All methods
 * may be called from any thread.
 */
public interface MessageChannel {

    void sendText(String message);

    void sendBinary(byte[] data);

    void close();

    /** Registers the handlers; called once, before any message is delivered. */
    void listen(Consumer<String> onText, Consumer<byte[]> onBinary, Runnable onClose);
}
