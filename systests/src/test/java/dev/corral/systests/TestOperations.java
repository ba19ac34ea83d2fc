package dev.corral.systests;

import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Ways to make a daemon run an operation.
 *
 * <p>corrald started with {@code CORRAL_TEST_HOOKS=1} has a test-only trigger,
 * {@code POST /internal/testing/operations} with {@code {"duration_ms":N,"may_cancel":b,"fail":b}} (always class
 * "task"), answering 202 with the operation; and {@code POST /internal/testing/echo}, a websocket operation with one
 * stream "0" that echoes every message until the client closes it. The real Incus has no such thing; there a harmless failing operation comes
 * from renaming a project that does not exist ({@code POST /1.0/projects/<absent>} with {@code {}}): it is
 * accepted with 202 and fails at once with "Failed loading project ...: Project not found", changing nothing.
 */
final class TestOperations {

    private TestOperations() {
    }

    /** A hook operation (corrald only: skips the test otherwise); returns it from the async envelope. */
    static JsonNode start(Corrald daemon, long durationMs, boolean mayCancel, boolean fail) {
        daemon.assumeCorrald("operations from the CORRAL_TEST_HOOKS trigger");
        String body = Json.write(Json.object()
                .put("duration_ms", durationMs)
                .put("may_cancel", mayCancel)
                .put("fail", fail));
        return Envelopes.async(Api.unchecked(daemon).body(body).post("/internal/testing/operations"));
    }

    /** An operation that fails quickly, on corrald (hook) and on the real Incus (absent project rename). */
    static JsonNode failing(Corrald daemon) {
        if (daemon.isExternal()) {
            String absent = "systest-absent-" + UUID.randomUUID().toString().substring(0, 8);
            // not an endpoint Corral serves (nor documents): no OpenAPI check
            return Envelopes.async(Api.unchecked(daemon).body("{}").post("/1.0/projects/" + absent));
        }
        return start(daemon, 100, false, true);
    }

    /** An operation that succeeds after {@code durationMs} (corrald only). */
    static JsonNode succeeding(Corrald daemon, long durationMs) {
        return start(daemon, durationMs, false, false);
    }

    /** A websocket echo operation (corrald only): stream "0" echoes text and binary messages. */
    static JsonNode echo(Corrald daemon) {
        daemon.assumeCorrald("websocket operations from the CORRAL_TEST_HOOKS trigger");
        return Envelopes.async(Api.unchecked(daemon).body("{}").post("/internal/testing/echo"));
    }

    /** Cancels a hook operation if it is still running (cleanup; ignores the answer). */
    static void cancelQuietly(Corrald daemon, JsonNode op) {
        Api.unchecked(daemon).delete("/1.0/operations/" + op.get("id").asText());
    }
}
