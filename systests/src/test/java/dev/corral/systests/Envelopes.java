package dev.corral.systests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import io.restassured.response.Response;

/** Assertions on Incus's three response envelopes (sync, async, error). */
final class Envelopes {

    /** The exact field set of every envelope, as the real Incus sends it. */
    static final Set<String> FIELDS =
            Set.of("type", "status", "status_code", "operation", "error_code", "error", "metadata");

    private Envelopes() {
    }

    /** Asserts HTTP 200 with a sync success envelope; returns its metadata. */
    static JsonNode sync(Response r) {
        return sync(r.statusCode(), r.asString());
    }

    static JsonNode sync(int httpStatus, String body) {
        JsonNode json = Json.parse(body);
        assertEquals(200, httpStatus, () -> "HTTP status; body " + Json.abbreviate(body, 1000));
        assertEquals(FIELDS, Json.fieldNames(json), () -> "envelope fields of " + Json.abbreviate(body, 1000));
        assertEquals("sync", json.get("type").asText(), "type");
        assertEquals("Success", json.get("status").asText(), "status");
        assertEquals(200, json.get("status_code").asInt(), "status_code");
        assertEquals("", json.get("operation").asText(), "operation");
        assertEquals(0, json.get("error_code").asInt(), "error_code");
        assertEquals("", json.get("error").asText(), "error");
        return json.get("metadata");
    }

    /** Asserts an error envelope with {@code code} as both HTTP status and error_code; returns the error text. */
    static String error(Response r, int code) {
        return error(r.statusCode(), r.asString(), code);
    }

    static String error(int httpStatus, String body, int code) {
        assertEquals(code, httpStatus, () -> "HTTP status; body " + Json.abbreviate(body, 1000));
        JsonNode json = errorBody(body);
        assertEquals(code, json.get("error_code").asInt(), () -> "error_code of " + body);
        return json.get("error").asText();
    }

    /** Asserts that {@code body} is an error envelope (any code) without a Java stack trace; returns it parsed. */
    static JsonNode errorBody(String body) {
        assertNoStackTrace(body);
        JsonNode json = Json.parse(body);
        assertEquals(FIELDS, Json.fieldNames(json), () -> "envelope fields of " + Json.abbreviate(body, 1000));
        assertEquals("error", json.get("type").asText(), () -> "type of " + body);
        assertTrue(json.get("error").isTextual() && !json.get("error").asText().isBlank(),
                () -> "error must be a non-empty message: " + body);
        assertTrue(json.get("metadata").isNull(), () -> "metadata of an error is null: " + body);
        assertTrue(json.get("error_code").asInt() >= 400, () -> "error_code >= 400: " + body);
        return json;
    }

    /** Asserts HTTP 202 with an async envelope and a matching Location header; returns the operation. */
    static JsonNode async(Response r) {
        String body = r.asString();
        assertEquals(202, r.statusCode(), () -> "HTTP status; body " + Json.abbreviate(body, 1000));
        JsonNode json = Json.parse(body);
        assertEquals(FIELDS, Json.fieldNames(json), () -> "envelope fields of " + body);
        assertEquals("async", json.get("type").asText(), "type");
        assertEquals("Operation created", json.get("status").asText(), "status");
        assertEquals(100, json.get("status_code").asInt(), "status_code");
        assertEquals(0, json.get("error_code").asInt(), "error_code");
        assertEquals("", json.get("error").asText(), "error");
        JsonNode op = json.get("metadata");
        String url = "/1.0/operations/" + op.get("id").asText();
        assertEquals(url, json.get("operation").asText(), "operation URL");
        assertEquals(url, r.header("Location"), "Location header");
        return op;
    }

    static void assertNoStackTrace(String body) {
        assertFalse(body.contains("at dev."), () -> "stack trace in body: " + Json.abbreviate(body, 2000));
        assertFalse(body.contains("Exception"), () -> "exception name in body: " + Json.abbreviate(body, 2000));
        assertFalse(body.contains("\tat "), () -> "stack trace in body: " + Json.abbreviate(body, 2000));
    }
}
