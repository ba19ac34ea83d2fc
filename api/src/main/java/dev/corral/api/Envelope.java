package dev.corral.api;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The response envelope every Incus endpoint answers with. All seven fields are always present on the wire, as the
 * real daemon sends them; {@code metadata} is whatever the endpoint returns ({@code null} for errors).
 */
@JsonPropertyOrder({"type", "status", "status_code", "operation", "error_code", "error", "metadata"})
public record Envelope(
        String type,
        String status,
        @JsonProperty("status_code") int statusCode,
        String operation,
        @JsonProperty("error_code") int errorCode,
        String error,
        Object metadata) {

    public static final String SYNC = "sync";
    public static final String ASYNC = "async";
    public static final String ERROR = "error";

    public static Envelope sync(Object metadata) {
        return new Envelope(SYNC, StatusCode.SUCCESS.text(), StatusCode.SUCCESS.code(), "", 0, "", metadata);
    }

    public static Envelope async(Operation operation) {
        return new Envelope(ASYNC, StatusCode.OPERATION_CREATED.text(), StatusCode.OPERATION_CREATED.code(),
                operation.url(), 0, "", operation);
    }

    public static Envelope error(int httpStatus, String message) {
        return new Envelope(ERROR, "", 0, "", httpStatus, message, null);
    }
}
