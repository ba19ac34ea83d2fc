package dev.corral.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Map;

/** A profile ({@code GET /1.0/profiles/{name}}). */
@JsonPropertyOrder({"config", "description", "devices", "name", "used_by", "project"})
public record Profile(
        Map<String, String> config,
        String description,
        Map<String, Map<String, String>> devices,
        String name,
        @JsonProperty("used_by") List<String> usedBy,
        String project) {
}
