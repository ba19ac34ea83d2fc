package dev.corral.openapi;

import com.atlassian.oai.validator.model.SimpleResponse;
import io.restassured.filter.Filter;

import java.util.List;
import java.util.Map;

/**
 * Corral's OpenAPI document ({@value #SPEC_RESOURCE}) and two ways to hold responses against it.
 *
 * <p>Only responses are validated (status, headers, JSON body), never requests, so a test may send a malformed body
 * on purpose and still have Corral's 400 answer checked. Websocket endpoints ({@code /1.0/events},
 * {@code /1.0/operations/{id}/websocket}) are documented with a bodiless {@code 101 Switching Protocols} and a 400
 * for a plain GET without upgrade headers (JSON error envelope or, as Incus does, {@code text/plain}); the websocket
 * messages themselves are not HTTP responses and are not checked here.
 *
 * <p>A path the document does not know passes only as a 404 JSON error envelope, an unknown method on a known path
 * only as a 405 or 501 one: that is how Corral answers them. Anything else there fails.
 */
public final class CorralOpenApi {

    /** Class-path location of the document. */
    public static final String SPEC_RESOURCE = "openapi/corral.yaml";

    private CorralOpenApi() {
    }

    /**
     * A REST-assured filter that fails the test ({@link AssertionError} with the validator's report) when a response
     * does not match the document. Add it to a request, a {@code RequestSpecification} or
     * {@code RestAssured.filters(...)}.
     */
    public static Filter restAssuredFilter() {
        return new ValidationFilter(Holder.CHECKER);
    }

    /**
     * Validates a response captured some other way (for example from {@code incus --debug}), taken to be
     * {@code application/json}.
     *
     * @param method   HTTP method, any case
     * @param path     request path or full URL; a query string is ignored
     * @param status   HTTP status
     * @param jsonBody the body, or {@code null}/empty for none
     * @return the problems found; empty means the response is valid
     */
    public static List<String> validateResponse(String method, String path, int status, String jsonBody) {
        return validateResponse(method, path, status, Map.of("Content-Type", "application/json"), jsonBody);
    }

    /**
     * Same as {@link #validateResponse(String, String, int, String)} with the response headers given (for example a
     * {@code Location} header of an async answer, or a {@code Content-Type} other than JSON).
     */
    public static List<String> validateResponse(String method, String path, int status, Map<String, String> headers,
                                                String body) {
        SimpleResponse.Builder response = SimpleResponse.Builder.status(status);
        headers.forEach(response::withHeader);
        if (body != null && !body.isEmpty()) {
            response.withBody(body);
        }
        return Holder.CHECKER.check(method, path, response.build());
    }

    /**
     * Validates the metadata of a sync answer, as {@code incus --debug} prints it ("Got response struct from Incus"
     * followed by the metadata only, without the envelope or the HTTP status): wraps it in the sync envelope Incus
     * sends with status 200 and validates that. Headers are not part of what is captured, so a required one (the
     * {@code ETag} of a profile, image or instance) is not missed.
     *
     * @param method       HTTP method, any case
     * @param pathOrUrl    request path or URL, e.g. {@code http://unix.socket/1.0/projects?recursion=1}
     * @param metadataJson the metadata JSON
     * @return the problems found; empty means the response is valid
     */
    public static List<String> validateSyncMetadata(String method, String pathOrUrl, String metadataJson) {
        String envelope = "{\"type\":\"sync\",\"status\":\"Success\",\"status_code\":200,\"operation\":\"\","
                + "\"error_code\":0,\"error\":\"\",\"metadata\":" + metadataJson + "}";
        SimpleResponse response = SimpleResponse.Builder.status(200)
                .withHeader("Content-Type", "application/json")
                .withBody(envelope)
                .build();
        return Holder.CHECKER.check(method, pathOrUrl, response, true);
    }

    /** Loads the document once, on first use. */
    private static final class Holder {
        static final ResponseChecker CHECKER = ResponseChecker.load();
    }
}
