package dev.corral.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/** The writable part of an image ({@code PUT/PATCH /1.0/images/{fingerprint}}). */
public record ImagePut(
        @JsonProperty("auto_update") Boolean autoUpdate,
        Map<String, String> properties,
        @JsonProperty("public") Boolean isPublic,
        @JsonProperty("expires_at") String expiresAt,
        List<String> profiles) {
}
