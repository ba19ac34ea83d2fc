package dev.corral.operations;

import java.util.Map;

/**
 * Progress in an operation's metadata, shaped as Incus shapes it: a {@code progress} object with string values,
 * and a {@code <stage>_progress} line, which is what the incus CLI prints while it waits.
 */
public final class Progress {

    private Progress() {
    }

    /** E.g. {@code of("create_instance_from_image_unpack", "Unpacking image", 42)}. */
    public static Map<String, Object> of(String stage, String label, int percent) {
        return Map.of(
                "progress", Map.of("stage", stage, "percent", Integer.toString(percent), "speed", "0"),
                stage + "_progress", label + ": " + percent + "%");
    }
}
