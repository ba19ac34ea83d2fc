package dev.corral.api;

import java.util.Map;

/** {@code POST /1.0/profiles}: a new profile. */
public record ProfilesPost(String name, Map<String, String> config, String description,
        Map<String, Map<String, String>> devices) {
}
