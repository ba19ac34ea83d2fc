package dev.corral.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Map;

/** {@code GET /1.0}: server information, as Incus's {@code api.Server}. */
@JsonPropertyOrder({"config", "api_extensions", "api_status", "api_version", "auth", "public", "auth_methods",
        "auth_user_name", "auth_user_method", "environment"})
public record Server(
        Map<String, String> config,
        @JsonProperty("api_extensions") List<String> apiExtensions,
        @JsonProperty("api_status") String apiStatus,
        @JsonProperty("api_version") String apiVersion,
        String auth,
        @JsonProperty("public") boolean isPublic,
        @JsonProperty("auth_methods") List<String> authMethods,
        // Untrusted callers get none of these three, as from Incus.
        @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("auth_user_name") String authUserName,
        @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("auth_user_method") String authUserMethod,
        @JsonInclude(JsonInclude.Include.NON_NULL) ServerEnvironment environment) {
}
