package dev.corral.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/** {@code POST /1.0/instances}: a new instance. */
public record InstancesPost(
        String name,
        InstanceSource source,
        @JsonProperty("instance_type") String instanceType,
        String type,
        Boolean start,
        String architecture,
        Map<String, String> config,
        Map<String, Map<String, String>> devices,
        Boolean ephemeral,
        List<String> profiles,
        Boolean stateful,
        String description,
        String restore) {
}
