package dev.corral.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/** Where a new instance comes from ({@code source} of {@code POST /1.0/instances}). */
public record InstanceSource(
        String type,
        String alias,
        String fingerprint,
        Map<String, String> properties,
        String server,
        String secret,
        String protocol,
        String certificate,
        @JsonProperty("base-image") String baseImage,
        String mode,
        String operation,
        Map<String, String> secrets,
        String source,
        Boolean live,
        @JsonProperty("instance_only") Boolean instanceOnly,
        Boolean refresh,
        @JsonProperty("refresh_exclude_older") Boolean refreshExcludeOlder,
        String project,
        @JsonProperty("allow_inconsistent") Boolean allowInconsistent) {
}
