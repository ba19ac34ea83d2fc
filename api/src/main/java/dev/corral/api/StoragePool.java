package dev.corral.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Map;

/** A storage pool ({@code GET /1.0/storage-pools/{name}}). */
@JsonPropertyOrder({"config", "description", "name", "driver", "used_by", "status", "locations"})
public record StoragePool(
        Map<String, String> config,
        String description,
        String name,
        String driver,
        @JsonProperty("used_by") List<String> usedBy,
        String status,
        List<String> locations) {
}
