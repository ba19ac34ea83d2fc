package dev.corral.api;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Map;

/** A background operation as the API shows it (Incus {@code api.Operation}). */
@JsonPropertyOrder({"id", "class", "description", "created_at", "updated_at", "status", "status_code", "resources",
        "metadata", "may_cancel", "err", "location"})
public record Operation(
        String id,
        @JsonProperty("class") String operationClass,
        String description,
        @JsonProperty("created_at") String createdAt,
        @JsonProperty("updated_at") String updatedAt,
        String status,
        @JsonProperty("status_code") int statusCode,
        Map<String, List<String>> resources,
        Map<String, Object> metadata,
        @JsonProperty("may_cancel") boolean mayCancel,
        String err,
        String location) {

    public static final String URL_PREFIX = "/1.0/operations/";

    @JsonIgnore
    public String url() {
        return URL_PREFIX + id;
    }
}
