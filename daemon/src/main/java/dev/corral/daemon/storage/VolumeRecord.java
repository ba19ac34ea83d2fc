package dev.corral.daemon.storage;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/** A custom storage volume as stored (table {@code storage_volumes}, project + {@code <pool>/<name>}). */
public record VolumeRecord(String pool, String name, @JsonProperty("content_type") String contentType,
        String description, Map<String, String> config, @JsonProperty("created_at") String createdAt) {

    public VolumeRecord {
        config = config == null ? Map.of() : Map.copyOf(config);
        description = description == null ? "" : description;
    }

    static String key(String pool, String name) {
        return pool + "/" + name;
    }
}
