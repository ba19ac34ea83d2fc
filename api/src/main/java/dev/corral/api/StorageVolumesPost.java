package dev.corral.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/** {@code POST /1.0/storage-pools/{pool}/volumes/custom}: a new, empty custom volume. */
public record StorageVolumesPost(
        Map<String, String> config,
        String description,
        String name,
        String type,
        @JsonProperty("content_type") String contentType,
        Map<String, Object> source) {
}
