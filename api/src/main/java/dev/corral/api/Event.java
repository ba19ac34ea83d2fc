package dev.corral.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * One message of {@code /1.0/events}. {@code metadata} is an {@link Operation}, a {@link LifecycleEvent} or a
 * {@link LoggingEvent} depending on {@code type}; {@code project} is empty for events that belong to no project.
 */
@JsonPropertyOrder({"type", "timestamp", "metadata", "location", "project"})
public record Event(
        String type,
        String timestamp,
        Object metadata,
        String location,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) String project) {

    public static final String OPERATION = "operation";
    public static final String LIFECYCLE = "lifecycle";
    public static final String LOGGING = "logging";
}
