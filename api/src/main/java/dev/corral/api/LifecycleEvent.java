package dev.corral.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Map;

/** Metadata of a {@code lifecycle} event: what happened ({@code action}) to which resource ({@code source}). */
@JsonPropertyOrder({"action", "source", "context", "requestor", "name", "project"})
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record LifecycleEvent(
        String action,
        String source,
        Map<String, Object> context,
        Requestor requestor,
        String name,
        String project) {
}
