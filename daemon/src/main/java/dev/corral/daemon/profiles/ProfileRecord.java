package dev.corral.daemon.profiles;

import java.util.Map;

/** A profile as stored. */
public record ProfileRecord(String name, String description, Map<String, String> config,
        Map<String, Map<String, String>> devices) {
}
