package dev.corral.systests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;

import dev.corral.openapi.CorralOpenApi;
import io.restassured.response.Response;

/** The error envelope: unknown paths, wrong methods, bad bodies, oversized bodies. */
class ErrorsTest {

    @RegisterExtension
    static final Corrald corrald = Corrald.create();

    @ParameterizedTest
    @ValueSource(strings = {"/nope", "/1.0/nope", "/2.0", "/1.0/operations/x/y/z", "/1.0/projects/default/nope"})
    void unknownPathIs404NotFound(String path) {
        Response r = Api.given(corrald).get(path);
        assertEquals("not found", Envelopes.error(r, 404));
        JsonNode json = Json.parse(r.asString());
        assertEquals("", json.get("status").asText(), "status of an error envelope");
        assertEquals(0, json.get("status_code").asInt(), "status_code of an error envelope");
        assertEquals("", json.get("operation").asText(), "operation of an error envelope");
    }

    @Test
    void wrongMethodOnAKnownPath() {
        // Corral answers 405; the real Incus answers 501 "not implemented".
        int expected = corrald.isExternal() ? 501 : 405;
        for (String[] request : List.of(new String[] {"DELETE", "/1.0"}, new String[] {"POST", "/1.0/operations"},
                new String[] {"PUT", "/1.0/projects"}, new String[] {"DELETE", "/1.0/events"})) {
            Response r = Api.given(corrald).body("{}").request(request[0], request[1]);
            assertEquals(expected, r.statusCode(), () -> Arrays.toString(request) + " -> " + r.asString());
            Envelopes.error(r, expected);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"config\":", "{config: {}}", "not json", "[]", "\"text\"", "{\"config\":{\"a\":\"b\"}}}"})
    void malformedJsonIs400(String body) {
        JsonNode before = serverConfig();
        Envelopes.error(Api.given(corrald).body(body).patch("/1.0"), 400);
        Envelopes.error(Api.given(corrald).body(body).put("/1.0"), 400);
        assertEquals(before, serverConfig(), "nothing changed");
    }

    @Test
    void emptyBodyIs400() {
        Envelopes.error(Api.given(corrald).body("").patch("/1.0"), 400);
    }

    @Test
    void deeplyNestedJsonIs400() {
        String deep = "[".repeat(5000) + "]".repeat(5000);
        Envelopes.error(Api.given(corrald).body(deep).patch("/1.0"), 400);
        String deepObject = "{\"config\":" + "{\"a\":".repeat(5000) + "1" + "}".repeat(5001);
        Envelopes.error(Api.given(corrald).body(deepObject).patch("/1.0"), 400);
    }

    @Test
    void unknownFieldInPatchIsRefused() {
        JsonNode before = serverConfig();
        Response r = Api.given(corrald).body("{\"bogus\":1}").patch("/1.0");
        if (corrald.isExternal()) {
            // the real Incus ignores unknown fields (Go's encoding/json)
            Envelopes.sync(r);
        } else {
            String error = Envelopes.error(r, 400);
            assertTrue(error.contains("bogus"), "error names the field: " + error);
        }
        assertEquals(before, serverConfig(), "nothing changed");
    }

    @Test
    void oversizedBodyIs413() throws IOException {
        // 20 MiB, refused by the body cap before it is parsed. It also sets an unknown key (and pads with a field
        // Incus ignores), so a daemon without a cap (the real Incus) answers 400 and nothing changes either way.
        byte[] filler = new byte[20 << 20];
        Arrays.fill(filler, (byte) 'x');
        byte[] body = ("{\"config\":{\"foo.bar\":\"1\"},\"padding\":\"" + new String(filler, StandardCharsets.US_ASCII)
                + "\"}").getBytes(StandardCharsets.US_ASCII);
        UnixHttp.Response r = UnixHttp.send(corrald.socket(), "PATCH", "/1.0",
                Map.of("Content-Type", "application/json"), body);
        int expected = corrald.isExternal() ? 400 : 413;
        Envelopes.error(r.status(), r.body(), expected);
        assertEquals(List.of(), CorralOpenApi.validateResponse("PATCH", "/1.0", r.status(), r.body()));
    }

    @Test
    void errorsCarryNoStackTraces() throws IOException {
        String[][] requests = {
            {"GET", "/1.0/operations/" + UUID.randomUUID(), null},
            {"GET", "/1.0/operations/not-a-uuid", null},
            {"GET", "/1.0/operations/" + UUID.randomUUID() + "/wait?timeout=1", null},
            {"GET", "/1.0/projects/nope", null},
            {"GET", "/1.0/nope", null},
            {"PATCH", "/1.0", "{\"config\":{\"user.x\":{\"deep\":[1,2]}}}"},
            {"PATCH", "/1.0", "{\"config\":"},
            {"PUT", "/1.0", "\u0000\u0001\u0002"},
            {"PATCH", "/1.0", "{\"config\":{\"nope.nope\":\"1\"}}"},
        };
        for (String[] req : requests) {
            UnixHttp.Response r = UnixHttp.send(corrald.socket(), req[0], req[1],
                    Map.of("Content-Type", "application/json"),
                    req[2] == null ? null : req[2].getBytes(StandardCharsets.UTF_8));
            assertTrue(r.status() >= 400 && r.status() < 500, () -> Arrays.toString(req) + " -> " + r);
            Envelopes.errorBody(r.body());
            assertEquals(r.status(), Json.parse(r.body()).get("error_code").asInt(),
                    () -> "error_code equals the HTTP status: " + r);
            assertTrue(r.header("Content-Type").startsWith("application/json"), () -> "JSON content type: " + r);
        }
    }

    private static JsonNode serverConfig() {
        return Envelopes.sync(Api.given(corrald).get("/1.0")).get("config");
    }
}
