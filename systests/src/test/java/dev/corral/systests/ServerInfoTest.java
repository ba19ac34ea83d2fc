package dev.corral.systests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.restassured.response.Response;

/** {@code GET /}, {@code GET/PUT/PATCH /1.0}: server information and server configuration. */
class ServerInfoTest {

    @RegisterExtension
    static final Corrald corrald = Corrald.create();

    /** A key of our own, so that a shared daemon's other keys are never touched. */
    private final String key = "user.systest-" + UUID.randomUUID().toString().substring(0, 8);

    @AfterEach
    void removeOurKey() {
        // PATCH with an empty value unsets a key (Incus semantics); a no-op when the key is absent
        Api.given(corrald).body(config(key, "")).patch("/1.0");
    }

    @Test
    void rootListsTheApiVersion() {
        JsonNode metadata = Envelopes.sync(Api.given(corrald).get("/"));
        assertEquals(List.of("/1.0"), Json.strings(metadata));
        assertTrue(metadata.isArray());
    }

    @Test
    void serverInfoDescribesATrustedLocalUser() {
        Response r = Api.given(corrald).get("/1.0");
        JsonNode server = Envelopes.sync(r);
        assertEquals("1.0", server.get("api_version").asText());
        assertEquals("stable", server.get("api_status").asText());
        assertEquals("trusted", server.get("auth").asText());
        assertEquals("unix", server.get("auth_user_method").asText());
        assertFalse(server.get("public").asBoolean(), "public");
        assertTrue(server.get("config").isObject(), "config is an object");
        JsonNode extensions = server.get("api_extensions");
        assertTrue(extensions.isArray(), "api_extensions is a list");
        extensions.forEach(e -> assertTrue(e.isTextual() && !e.asText().isBlank(), "extension names: " + extensions));
        assertEquals(extensions.size(), new HashSet<>(Json.strings(extensions)).size(), "no duplicate extensions");

        JsonNode env = server.get("environment");
        assertTrue(env.get("server_version").isTextual() && !env.get("server_version").asText().isBlank(),
                "environment.server_version");
        JsonNode pid = env.get("server_pid");
        assertTrue(pid.isIntegralNumber() && pid.asLong() > 0, "environment.server_pid is a positive number: " + pid);
        corrald.process().ifPresent(p -> {
            Set<Long> ours = new HashSet<>();
            ours.add(p.pid());
            p.descendants().forEach(d -> ours.add(d.pid()));
            assertTrue(ours.contains(pid.asLong()), "server_pid " + pid + " is the daemon we started: " + ours);
        });
        assertTrue(env.get("architectures").isArray() && env.get("architectures").size() > 0,
                "environment.architectures");
        assertEquals("default", env.get("project").asText(), "environment.project");

        String etag = r.header("ETag");
        assertNotNull(etag, "GET /1.0 has an ETag header");
        assertTrue(etag.length() > 2 && etag.startsWith("\"") && etag.endsWith("\""), "quoted ETag: " + etag);
    }

    @Test
    void patchSetsAUserKeyAndAnEmptyValueUnsetsIt() {
        Envelopes.sync(Api.given(corrald).body(config(key, "bar")).patch("/1.0"));
        assertEquals("bar", serverConfig().path(key).asText(null));

        Envelopes.sync(Api.given(corrald).body(config(key, "")).patch("/1.0"));
        assertFalse(serverConfig().has(key), "empty value in PATCH removes the key");
    }

    @Test
    void patchChangesTheEtag() {
        String before = Api.given(corrald).get("/1.0").header("ETag");
        Envelopes.sync(Api.given(corrald).body(config(key, "etag")).patch("/1.0"));
        String after = Api.given(corrald).get("/1.0").header("ETag");
        assertNotNull(after);
        assertFalse(after.equals(before), "ETag changes with the config: " + before);
    }

    @Test
    void configSurvivesARestart() throws Exception {
        corrald.assumeCorrald("restart on the same CORRAL_DIR");
        Envelopes.sync(Api.given(corrald).body(config(key, "persisted")).patch("/1.0"));
        corrald.restart();
        assertTrue(corrald.lastStopGraceful(), "corrald ends on SIGTERM within " + Corrald.STOP_GRACE_SECONDS + " s");
        assertEquals("persisted", serverConfig().path(key).asText(null));
    }

    @Test
    void putReplacesTheWholeConfig() {
        ObjectNode original = serverConfig().deepCopy();
        ObjectNode withOurs = original.deepCopy().put(key, "put");
        Envelopes.sync(Api.given(corrald).body(Json.write(Json.object().set("config", withOurs))).put("/1.0"));
        assertEquals(withOurs, serverConfig());

        Envelopes.sync(Api.given(corrald).body(Json.write(Json.object().set("config", original))).put("/1.0"));
        if (corrald.isExternal()) {
            // The real Incus 6.0.4 keeps user.* keys that a PUT leaves out (only schema keys are reset), so there
            // the key is still set; Corral follows the spec ("updates the entire server configuration").
            assertEquals(withOurs, serverConfig());
        } else {
            assertEquals(original, serverConfig(), "PUT without our key removes it and keeps the rest");
        }
    }

    @Test
    void putWithAnEmptyValueRemovesTheKey() {
        // What `incus config unset` sends: the whole config, the key set to "", with If-Match
        ObjectNode original = serverConfig().deepCopy();
        ObjectNode withOurs = original.deepCopy().put(key, "put");
        Envelopes.sync(Api.given(corrald).body(Json.write(Json.object().set("config", withOurs))).put("/1.0"));
        assertEquals(withOurs, serverConfig());

        Response get = Api.given(corrald).get("/1.0");
        ObjectNode unset = original.deepCopy().put(key, "");
        Envelopes.sync(Api.given(corrald).header("If-Match", get.header("ETag"))
                .body(Json.write(Json.object().set("config", unset))).put("/1.0"));
        assertEquals(original, serverConfig(), "the key is gone, the rest unchanged");
    }

    @Test
    void putWithTheCurrentEtagSucceedsAndWithAnotherIsRefused() {
        Response get = Api.given(corrald).get("/1.0");
        String etag = get.header("ETag");
        ObjectNode original = (ObjectNode) Envelopes.sync(get).get("config");
        ObjectNode withOurs = original.deepCopy().put(key, "etag");
        String body = Json.write(Json.object().set("config", withOurs));

        String error = Envelopes.error(Api.given(corrald).header("If-Match", "\"not-the-etag\"").body(body)
                .put("/1.0"), 412);
        assertTrue(error.contains("ETag"), "error names the ETag: " + error);
        assertEquals(original, serverConfig(), "nothing changed");

        Envelopes.sync(Api.given(corrald).header("If-Match", etag).body(body).put("/1.0"));
        assertEquals("etag", serverConfig().path(key).asText(null));
    }

    @Test
    void unknownKeyIsRefusedWithItsName() {
        JsonNode before = serverConfig();
        String error = Envelopes.error(Api.given(corrald).body("{\"config\":{\"foo.bar\":\"1\"}}").patch("/1.0"), 400);
        assertTrue(error.contains("foo.bar"), "error names the key: " + error);
        // Incus: cannot set 'foo.bar' to '1': unknown key
        assertTrue(error.contains("unknown key"), "error says the key is unknown: " + error);
        assertEquals(before, serverConfig(), "nothing changed");

        Envelopes.error(Api.given(corrald).body("{\"config\":{\"foo.bar\":\"1\"}}").put("/1.0"), 400);
        assertEquals(before, serverConfig(), "nothing changed by PUT either");
    }

    @Test
    void oneBadKeyRejectsTheWholePatch() {
        JsonNode before = serverConfig();
        Envelopes.error(Api.given(corrald).body("{\"config\":{\"" + key + "\":\"x\",\"foo.bar\":\"1\"}}")
                .patch("/1.0"), 400);
        assertEquals(before, serverConfig(), "the valid key was not applied either");
    }

    @Test
    void nonStringValuesAreRefused() {
        JsonNode before = serverConfig();
        for (String value : List.of("1", "true", "{}", "[\"a\"]")) {
            Envelopes.error(Api.given(corrald).body("{\"config\":{\"" + key + "\":" + value + "}}").patch("/1.0"),
                    400);
        }
        Envelopes.error(Api.given(corrald).body("{\"config\":\"user.x=y\"}").patch("/1.0"), 400);
        assertEquals(before, serverConfig(), "nothing changed");
    }

    private static ObjectNode serverConfig() {
        return (ObjectNode) Envelopes.sync(Api.given(corrald).get("/1.0")).get("config");
    }

    private static String config(String key, String value) {
        ObjectNode config = Json.object();
        config.put(key, value);
        return Json.write(Json.object().set("config", config));
    }
}
