package dev.corral.client;

import java.nio.charset.StandardCharsets;

/**
 * One message of an operation websocket.
 *
 * @param type text or binary
 * @param data the payload (UTF-8 for text)
 */
public record WebSocketMessage(Type type, byte[] data) {

    /** The websocket message types that carry data. */
    public enum Type {
        TEXT, BINARY
    }

    public static WebSocketMessage text(String text) {
        return new WebSocketMessage(Type.TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    public static WebSocketMessage binary(byte[] data) {
        return new WebSocketMessage(Type.BINARY, data);
    }

    public boolean isText() {
        return type == Type.TEXT;
    }

    /** The payload as UTF-8 text. */
    public String asText() {
        return new String(data, StandardCharsets.UTF_8);
    }
}
