package dev.corral.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Map;

/** A storage volume ({@code GET /1.0/storage-pools/{pool}/volumes/{type}/{name}}). */
@JsonPropertyOrder({"config", "description", "name", "type", "used_by", "location", "content_type", "project",
        "created_at"})
public record StorageVolume(
        Map<String, String> config,
        String description,
        String name,
        String type,
        @JsonProperty("used_by") List<String> usedBy,
        String location,
        @JsonProperty("content_type") String contentType,
        String project,
        @JsonProperty("created_at") String createdAt) {
}
