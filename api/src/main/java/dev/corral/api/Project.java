package dev.corral.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Map;

/** A project ({@code GET /1.0/projects/{name}}). */
@JsonPropertyOrder({"config", "description", "name", "used_by"})
public record Project(
        Map<String, String> config,
        String description,
        String name,
        @JsonProperty("used_by") List<String> usedBy) {
}
