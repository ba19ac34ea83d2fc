package dev.corral.systests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code /1.0/profiles} and {@code /1.0/storage-pools}: the defaults, profile CRUD, bad input. */
class ProfilesTest {

    @RegisterExtension
    static final Corrald corrald = Corrald.create();

    @Test
    void theDefaultProfileHasARootDiskOnTheDefaultPool() {
        corrald.assumeCorrald("a fresh daemon's defaults");
        JsonNode profile = Envelopes.sync(Api.given(corrald).get("/1.0/profiles/default"));
        JsonNode root = profile.path("devices").path("root");
        assertEquals("disk", root.path("type").asText());
        assertEquals("/", root.path("path").asText());
        assertEquals("default", root.path("pool").asText());

        JsonNode pool = Envelopes.sync(Api.given(corrald).get("/1.0/storage-pools/default"));
        assertEquals("dir", pool.path("driver").asText());
        assertEquals(corrald.dir().resolve("storage-pools/default").toString(),
                pool.path("config").path("source").asText());
        assertTrue(Json.strings(pool.path("used_by")).contains("/1.0/profiles/default"), pool.toString());
    }

    @Test
    void profilesAreCreatedUpdatedRenamedAndDeleted() {
        String name = "systest-p-" + System.nanoTime();
        Response created = Api.given(corrald)
                .body("{\"name\":\"" + name + "\",\"config\":{\"limits.memory\":\"256MiB\"}}").post("/1.0/profiles");
        assertEquals(201, created.statusCode(), created.asString());
        assertEquals("/1.0/profiles/" + name, created.header("Location"));
        Response got = Api.given(corrald).get("/1.0/profiles/" + name);
        assertEquals("256MiB", Envelopes.sync(got).path("config").path("limits.memory").asText());
        String etag = got.header("ETag");

        Envelopes.sync(Api.given(corrald).body("{\"config\":{\"user.x\":\"1\"}}").patch("/1.0/profiles/" + name));
        JsonNode patched = Envelopes.sync(Api.given(corrald).get("/1.0/profiles/" + name));
        assertEquals("256MiB", patched.path("config").path("limits.memory").asText(), "PATCH merges: " + patched);
        assertEquals("1", patched.path("config").path("user.x").asText());

        Envelopes.error(Api.given(corrald).header("If-Match", etag).body("{\"config\":{}}")
                .put("/1.0/profiles/" + name), 412);

        Response renamed = Api.given(corrald).body("{\"name\":\"" + name + "-b\"}").post("/1.0/profiles/" + name);
        assertEquals(201, renamed.statusCode(), renamed.asString());
        Envelopes.error(Api.given(corrald).get("/1.0/profiles/" + name), 404);
        Envelopes.sync(Api.given(corrald).delete("/1.0/profiles/" + name + "-b"));
        Envelopes.error(Api.given(corrald).get("/1.0/profiles/" + name + "-b"), 404);
    }

    @Test
    void badProfilesAreRefusedAndNothingIsCreated() {
        corrald.assumeCorrald("Corral's exact messages");
        String name = "systest-bad-" + System.nanoTime();
        String unknownKey = Envelopes.error(Api.given(corrald)
                .body("{\"name\":\"" + name + "\",\"config\":{\"bogus.key\":\"1\"}}").post("/1.0/profiles"), 400);
        assertTrue(unknownKey.contains("bogus.key"), unknownKey);
        String badPool = Envelopes.error(Api.given(corrald).body("{\"name\":\"" + name
                + "\",\"devices\":{\"root\":{\"type\":\"disk\",\"path\":\"/\",\"pool\":\"nope\"}}}")
                .post("/1.0/profiles"), 400);
        assertTrue(badPool.contains("nope"), badPool);
        String badMemory = Envelopes.error(Api.given(corrald)
                .body("{\"name\":\"" + name + "\",\"config\":{\"limits.memory\":\"lots\"}}").post("/1.0/profiles"),
                400);
        assertTrue(badMemory.contains("limits.memory"), badMemory);
        Envelopes.error(Api.given(corrald).get("/1.0/profiles/" + name), 404);

        Envelopes.error(Api.given(corrald).body("{\"name\":\"default\"}").post("/1.0/profiles"), 409);
        Envelopes.error(Api.given(corrald).delete("/1.0/profiles/default"), 403);
        Envelopes.error(Api.given(corrald).body("{\"name\":\"other\"}").post("/1.0/profiles/default"), 403);
        Envelopes.error(Api.given(corrald).get("/1.0/profiles?project=nope"), 404);
    }

    @Test
    void theIncusCliManagesProfiles() throws Exception {
        try (IncusCli incus = IncusCli.incus(corrald)) {
            String name = "systest-cli-" + System.nanoTime();
            assertEquals(0, incus.run("profile", "create", name).exitCode());
            assertEquals(0, incus.run("profile", "set", name, "limits.cpu", "1").exitCode());
            IncusCli.Result shown = incus.run("profile", "show", name);
            assertTrue(shown.stdout().contains("limits.cpu: \"1\""), shown.stdout());
            IncusCli.Result bad = incus.run("profile", "set", name, "limits.cpu", "many");
            assertNotEquals(0, bad.exitCode());
            assertTrue(bad.stderr().contains("limits.cpu"), bad.stderr());
            assertTrue(incus.run("profile", "list").stdout().contains(name));
            assertEquals(0, incus.run("profile", "delete", name).exitCode());
        }
    }
}
