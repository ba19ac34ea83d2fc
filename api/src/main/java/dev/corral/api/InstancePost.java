package dev.corral.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /1.0/instances/{name}}: rename (only {@code name} is supported; migration fields are refused).
 * Incus spells three of these fields with capitals on the wire.
 */
public record InstancePost(
        String name,
        Boolean migration,
        Boolean live,
        @JsonProperty("instance_only") Boolean instanceOnly,
        @JsonProperty("allow_inconsistent") Boolean allowInconsistent,
        String pool,
        String project,
        Object target,
        @JsonProperty("Config") Map<String, String> config,
        @JsonProperty("Devices") Map<String, Map<String, String>> devices,
        @JsonProperty("Profiles") List<String> profiles) {
}
