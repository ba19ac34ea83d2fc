package dev.corral.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Map;

/**
 * An instance ({@code GET /1.0/instances/{name}}). With {@code recursion=2} the answer also carries its state
 * (Incus's {@code InstanceFull}); {@code state} is left out otherwise.
 */
@JsonPropertyOrder({"architecture", "config", "devices", "ephemeral", "profiles", "stateful", "description",
        "created_at", "expanded_config", "expanded_devices", "name", "status", "status_code", "last_used_at",
        "location", "type", "project", "state"})
public record Instance(
        String architecture,
        Map<String, String> config,
        Map<String, Map<String, String>> devices,
        boolean ephemeral,
        List<String> profiles,
        boolean stateful,
        String description,
        @JsonProperty("created_at") String createdAt,
        @JsonProperty("expanded_config") Map<String, String> expandedConfig,
        @JsonProperty("expanded_devices") Map<String, Map<String, String>> expandedDevices,
        String name,
        String status,
        @JsonProperty("status_code") int statusCode,
        @JsonProperty("last_used_at") String lastUsedAt,
        String location,
        String type,
        String project,
        @JsonInclude(JsonInclude.Include.NON_NULL) InstanceState state) {
}
