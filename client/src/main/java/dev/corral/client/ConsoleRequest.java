package dev.corral.client;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How to attach to an instance's console ({@link Instances#console}): the terminal's size, and whether to take the
 * console over from a session that holds it ({@code force}, the {@code console_force} extension).
 */
public record ConsoleRequest(int width, int height, boolean force) {

    public ConsoleRequest {
        if (width < 0 || height < 0) {
            throw new IllegalArgumentException("a terminal size cannot be negative: " + width + "x" + height);
        }
    }

    /** A console for a {@code width} x {@code height} terminal (0 when unknown). */
    public static ConsoleRequest of(int width, int height) {
        return new ConsoleRequest(width, height, false);
    }

    public ConsoleRequest withForce(boolean force) {
        return new ConsoleRequest(width, height, force);
    }

    Map<String, Object> toWire() {
        Map<String, Object> wire = new LinkedHashMap<>();
        wire.put("type", "console");
        wire.put("width", width);
        wire.put("height", height);
        wire.put("force", force);
        return wire;
    }
}
