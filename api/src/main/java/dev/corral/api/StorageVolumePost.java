package dev.corral.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/** {@code POST /1.0/storage-pools/{pool}/volumes/custom/{name}}: a rename (moves and migrations are not supported). */
public record StorageVolumePost(
        String name,
        String pool,
        Boolean migration,
        Map<String, Object> target,
        @JsonProperty("volume_only") Boolean volumeOnly,
        String project,
        Map<String, Object> source) {
}
