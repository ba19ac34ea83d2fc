package dev.corral.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Map;

/** An image ({@code GET /1.0/images/{fingerprint}}). */
@JsonPropertyOrder({"auto_update", "properties", "public", "expires_at", "profiles", "aliases", "architecture",
        "cached", "filename", "fingerprint", "size", "type", "created_at", "last_used_at", "uploaded_at", "project"})
public record Image(
        @JsonProperty("auto_update") boolean autoUpdate,
        Map<String, String> properties,
        @JsonProperty("public") boolean isPublic,
        @JsonProperty("expires_at") String expiresAt,
        List<String> profiles,
        List<ImageAlias> aliases,
        String architecture,
        boolean cached,
        String filename,
        String fingerprint,
        long size,
        String type,
        @JsonProperty("created_at") String createdAt,
        @JsonProperty("last_used_at") String lastUsedAt,
        @JsonProperty("uploaded_at") String uploadedAt,
        String project) {

    /** An alias as listed inside an image. */
    public record ImageAlias(String name, String description) {
    }
}
