package dev.corral.daemon.http;

import dev.corral.api.Operation;

/**
 * What a handler answers; {@link ApiRenderer} turns it into bytes. Errors are not responses: handlers throw (or
 * fail their future with) {@link dev.corral.api.ApiException}.
 */
public sealed interface ApiResponse {

    /** A sync answer; {@code etag}, when not null, is sent as the {@code ETag} header. */
    record Sync(Object metadata, String etag) implements ApiResponse {
    }

    /** A 201 answer for a created object, at {@code location} (metadata null, as Incus answers). */
    record Created(String location) implements ApiResponse {
    }

    /** A 202 answer for a registered operation. */
    record Async(Operation operation) implements ApiResponse {
    }

    /**
     * Raw files (image export): one is sent as {@code application/octet-stream}, several as
     * {@code multipart/form-data} with the given part names.
     */
    record Files(java.util.List<java.nio.file.Path> files, java.util.List<String> partNames) implements ApiResponse {
    }

    /** The handler took the connection over (websocket, protocol upgrade) and wrote everything itself. */
    record Upgraded() implements ApiResponse {
    }

    static ApiResponse sync(Object metadata) {
        return new Sync(metadata, null);
    }

    /** Incus's "empty" sync answer: {@code metadata} is an empty object. */
    static ApiResponse empty() {
        return new Sync(java.util.Map.of(), null);
    }
}
