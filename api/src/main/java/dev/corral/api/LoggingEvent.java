package dev.corral.api;

import java.util.Map;

/** Metadata of a {@code logging} event. */
public record LoggingEvent(String message, String level, Map<String, String> context) {
}
