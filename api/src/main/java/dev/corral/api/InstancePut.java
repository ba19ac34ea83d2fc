package dev.corral.api;

import java.util.List;
import java.util.Map;

/** The writable part of an instance ({@code PUT/PATCH /1.0/instances/{name}}). */
public record InstancePut(
        String architecture,
        Map<String, String> config,
        Map<String, Map<String, String>> devices,
        Boolean ephemeral,
        List<String> profiles,
        Boolean stateful,
        String description,
        String restore) {
}
