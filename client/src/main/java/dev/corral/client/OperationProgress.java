package dev.corral.client;

import dev.corral.api.Operation;
import java.util.Map;
import java.util.Optional;

/**
 * Progress as an operation reports it in its metadata: Incus's {@code progress} object ({@code stage},
 * {@code percent}, {@code speed}) and the {@code <stage>_progress} line the CLI prints.
 *
 * @param stage what runs, e.g. {@code image_import} or {@code create_instance_from_image_unpack}
 * @param percent 0 to 100, or -1 when only a text is known
 * @param speed the speed as reported (bytes per second, as text), or ""
 * @param text the human-readable line, e.g. {@code Importing image: 42%}, or ""
 */
public record OperationProgress(String stage, int percent, String speed, String text) {

    /** The progress in an operation's metadata, if it has any. */
    public static Optional<OperationProgress> of(Operation operation) {
        Map<String, Object> metadata = operation.metadata();
        if (metadata == null) {
            return Optional.empty();
        }
        String stage = "";
        int percent = -1;
        String speed = "";
        if (metadata.get("progress") instanceof Map<?, ?> progress) {
            stage = string(progress.get("stage"));
            speed = string(progress.get("speed"));
            try {
                percent = Integer.parseInt(string(progress.get("percent")).trim());
            } catch (NumberFormatException e) {
                percent = -1;
            }
        }
        String text = "";
        for (Map.Entry<String, Object> entry : metadata.entrySet()) {
            if (entry.getKey().endsWith("_progress") && entry.getValue() instanceof String line) {
                text = line;
                if (stage.isEmpty()) {
                    stage = entry.getKey().substring(0, entry.getKey().length() - "_progress".length());
                }
                break;
            }
        }
        if (stage.isEmpty() && text.isEmpty() && percent < 0) {
            return Optional.empty();
        }
        return Optional.of(new OperationProgress(stage, percent, speed, text));
    }

    private static String string(Object value) {
        return value == null ? "" : value.toString();
    }
}
