package dev.corral.daemon.instances;

import java.util.List;
import java.util.Map;

/** An instance as stored: what the user configured, before profiles are applied. */
public record InstanceRecord(
        String name,
        String type,
        String description,
        String architecture,
        boolean ephemeral,
        boolean stateful,
        String createdAt,
        String lastUsedAt,
        Map<String, String> config,
        Map<String, Map<String, String>> devices,
        List<String> profiles) {
}
