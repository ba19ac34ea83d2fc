package dev.corral.systests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.restassured.response.Response;

/**
 * Bad requests about containers: each is refused with the right status and a message naming the problem, and
 * leaves every instance as it was (same names, same statuses). Corral checks creation requests before it starts
 * an operation; the real Incus accepts many of them with 202 and fails the operation instead.
 */
class ContainerBadInputTest {

    @RegisterExtension
    static final Corrald corrald = Corrald.create();

    private static Containers shared;
    private static String running;
    private static String stopped;

    private final Containers containers = new Containers(corrald);
    private Map<String, String> before;

    @BeforeAll
    static void twoContainers() {
        corrald.assumeCorrald("needs the built-in busybox image");
        shared = new Containers(corrald);
        running = shared.launch("running");
        stopped = shared.createStopped("stopped");
    }

    @AfterAll
    static void removeThem() {
        if (shared != null) {
            shared.cleanup();
        }
    }

    @BeforeEach
    void snapshot() {
        before = containers.snapshot();
        assertEquals("Running", before.get(running), before.toString());
        assertEquals("Stopped", before.get(stopped), before.toString());
    }

    @AfterEach
    void nothingChanged() {
        try {
            assertEquals(before, containers.snapshot(), "the instances are as they were");
        } finally {
            containers.cleanup();
        }
    }

    // ---- creation ----

    @ParameterizedTest
    @ValueSource(strings = {"-bad", "bad-", "a_b", "a.b", "a b", "a/b", "123", "ä",
        "a123456789012345678901234567890123456789012345678901234567890123"})
    void invalidNamesAre400(String name) {
        assertEquals(64, "a123456789012345678901234567890123456789012345678901234567890123".length());
        String error = Envelopes.error(create(Containers.fromImage(name, false)), 400);
        assertTrue(error.toLowerCase().contains("name"), error);
    }

    @Test
    void aNameStartingWithADigitIsValid() {
        // Incus's rule (validate.IsHostname): 1-63 letters, digits and hyphens, no leading or trailing hyphen,
        // not a number; a leading digit is fine ("1abc"), as in host names since RFC 1123
        String name = containers.track("1" + Containers.uniqueName("abc"));
        Containers.assertSuccess(containers.create(Containers.fromImage(name, false)));
        assertEquals("Stopped", containers.status(name));
        containers.delete(name);
    }

    @Test
    void noNameGetsAGeneratedOne() {
        // Incus generates a name when none is given (that is what `incus launch busybox` without a name sends)
        ObjectNode body = Containers.fromImage("", false);
        body.remove("name");
        Response r = create(body);
        JsonNode op = containers.waitFor(Envelopes.async(r));
        Containers.assertSuccess(op);
        String url = op.at("/resources/instances/0").asText();
        String name = containers.track(url.substring(url.lastIndexOf('/') + 1));
        assertFalse(name.isEmpty(), op.toString());
        assertEquals("Stopped", containers.status(name));
        containers.delete(name);
    }

    @Test
    void unknownImageAliasIs404() {
        String name = containers.name("noimage");
        ObjectNode body = Containers.fromImage(name, false);
        ((ObjectNode) body.get("source")).put("alias", "no-such-image");
        Envelopes.error(create(body), 404);
        ObjectNode byFingerprint = Json.object().put("name", name);
        byFingerprint.set("source", Json.object().put("type", "image").put("fingerprint", "0123456789abcdef"));
        Envelopes.error(create(byFingerprint), 404);
        assertFalse(containers.exists(name));
    }

    @Test
    void unknownProfileIs404() {
        String name = containers.name("noprofile");
        ObjectNode body = Containers.fromImage(name, false);
        body.putArray("profiles").add("default").add("no-such-profile");
        String error = Envelopes.error(create(body), 404);
        assertTrue(error.contains("no-such-profile"), error);
        assertFalse(containers.exists(name));
    }

    @Test
    void unknownRootPoolIs400() {
        String name = containers.name("nopool");
        ObjectNode body = Containers.fromImage(name, false);
        body.set("devices", Json.object().set("root", Json.object().put("type", "disk").put("path", "/")
                .put("pool", "no-such-pool")));
        String error = Envelopes.error(create(body), 400);
        assertTrue(error.contains("no-such-pool"), error);
        assertFalse(containers.exists(name));
    }

    @Test
    void noRootDiskIs400() {
        String name = containers.name("noroot");
        ObjectNode body = Containers.fromImage(name, false);
        body.putArray("profiles");
        String error = Envelopes.error(create(body), 400);
        assertTrue(error.toLowerCase().contains("root"), error);
        assertFalse(containers.exists(name));
    }

    @Test
    void duplicateNameIs409() {
        String error = Envelopes.error(create(Containers.fromImage(running, false)), 409);
        assertTrue(error.contains(running) || error.contains("already exists"), error);
        Envelopes.error(create(Containers.fromImage(stopped, true)), 409);
    }

    @Test
    void unknownConfigKeyIs400NamingIt() {
        String name = containers.name("badkey");
        ObjectNode body = Containers.fromImage(name, false);
        body.set("config", Json.object().put("bogus.key", "1"));
        String error = Envelopes.error(create(body), 400);
        assertTrue(error.contains("bogus.key"), error);
        assertFalse(containers.exists(name));
    }

    @ParameterizedTest
    @ValueSource(strings = {"lots", "-1", "12XB", "0%", "101%"})
    void badMemoryLimitIs400(String value) {
        String name = containers.name("badmem");
        ObjectNode body = Containers.fromImage(name, false);
        body.set("config", Json.object().put("limits.memory", value));
        String error = Envelopes.error(create(body), 400);
        assertTrue(error.contains("limits.memory"), error);
        assertFalse(containers.exists(name));
    }

    @Test
    void badSourcesAre400() {
        String name = containers.name("nosource");
        Envelopes.error(create(Json.object().put("name", name)), 400);
        ObjectNode unknown = Json.object().put("name", name);
        unknown.set("source", Json.object().put("type", "teleport"));
        String error = Envelopes.error(create(unknown), 400);
        assertTrue(error.contains("teleport"), error);
        assertFalse(containers.exists(name));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"name\":", "not json", "[]", "\"text\"", "{\"config\":[]}", "{\"config\":{\"a\":"})
    void malformedJsonIs400(String body) {
        // Each body is bad for every endpoint it is sent to. Not here: a valid object followed by garbage (Incus's
        // json.Decoder reads the first value and accepts it), and unknown fields (Go ignores them).
        Envelopes.error(Api.given(corrald).body(body).post("/1.0/instances"), 400);
        Envelopes.error(Api.given(corrald).body(body).put("/1.0/instances/" + stopped + "/state"), 400);
        Envelopes.error(Api.given(corrald).body(body).put("/1.0/instances/" + stopped), 400);
        Envelopes.error(Api.given(corrald).body(body).patch("/1.0/instances/" + stopped), 400);
        Envelopes.error(Api.given(corrald).body(body).post("/1.0/instances/" + stopped), 400);
    }

    // ---- state changes ----

    @Test
    void startingARunningInstanceIs400() {
        String error = Envelopes.error(stateChange(running, "{\"action\":\"start\"}"), 400);
        assertTrue(error.contains("already running"), error);
    }

    @Test
    void stoppingAStoppedInstanceIs400() {
        String error = Envelopes.error(stateChange(stopped, "{\"action\":\"stop\"}"), 400);
        assertTrue(error.contains("already stopped"), error);
        Envelopes.error(stateChange(stopped, "{\"action\":\"stop\",\"force\":true}"), 400);
        Envelopes.error(stateChange(stopped, "{\"action\":\"freeze\"}"), 400);
        Envelopes.error(stateChange(running, "{\"action\":\"unfreeze\"}"), 400);
    }

    @Test
    void unknownActionIs400() {
        String error = Envelopes.error(stateChange(running, "{\"action\":\"explode\"}"), 400);
        assertTrue(error.contains("explode"), error);
        Envelopes.error(stateChange(running, "{}"), 400);
    }

    @Test
    void deletingARunningInstanceIs400() {
        String error = Envelopes.error(Api.given(corrald).delete("/1.0/instances/" + running), 400);
        assertTrue(error.toLowerCase().contains("running"), error);
    }

    @Test
    void unknownInstanceIs404() {
        String absent = Containers.uniqueName("absent");
        Envelopes.error(Api.given(corrald).get("/1.0/instances/" + absent), 404);
        Envelopes.error(Api.given(corrald).get("/1.0/instances/" + absent + "/state"), 404);
        Envelopes.error(stateChange(absent, "{\"action\":\"start\"}"), 404);
        Envelopes.error(Api.given(corrald).delete("/1.0/instances/" + absent), 404);
        Envelopes.error(Api.given(corrald).body("{\"name\":\"" + absent + "-b\"}").post("/1.0/instances/" + absent),
                404);
        Envelopes.error(Api.given(corrald).body("{\"config\":{}}").patch("/1.0/instances/" + absent), 404);
        Envelopes.error(Api.given(corrald).body("{\"config\":{},\"devices\":{},\"profiles\":[]}")
                .put("/1.0/instances/" + absent), 404);
    }

    @Test
    void badRenames() {
        String error = Envelopes.error(rename(stopped, running), 409);
        assertTrue(error.contains(running) || error.contains("already exists"), error);
        Envelopes.error(rename(stopped, "bad_name"), 400);
        Envelopes.error(rename(running, Containers.uniqueName("moved")), 400); // running: Incus refuses too
    }

    @Test
    void badUpdatesChangeNothing() {
        JsonNode config = containers.get(stopped).path("config");
        refusedNaming(Api.given(corrald).body("{\"config\":{\"bogus.key\":\"1\"}}").patch("/1.0/instances/" + stopped),
                "bogus.key");
        refusedNaming(Api.given(corrald).body("{\"config\":{\"limits.memory\":\"lots\"}}")
                .patch("/1.0/instances/" + stopped), "limits.memory");
        refusedNaming(Api.given(corrald).body("{\"profiles\":[\"default\",\"no-such-profile\"]}")
                .patch("/1.0/instances/" + stopped), "no-such-profile");
        assertEquals(config, containers.get(stopped).path("config"), "nothing changed");
    }

    @Test
    void aSecondLifecycleChangeWhileOneRunsIsRefused() throws Exception {
        // init ignores the halt signal, so a graceful stop with a timeout keeps the instance busy for that long
        String name = containers.name("busy");
        ObjectNode body = Containers.fromImage(name, true);
        body.set("config", Json.object().put("raw.lxc", "lxc.signal.halt = SIGURG"));
        containers.createOk(body);
        JsonNode stop = Envelopes.async(stateChange(name, "{\"action\":\"stop\",\"timeout\":6}"));
        Containers.await("the stop operation runs", Duration.ofSeconds(5), () -> Envelopes.sync(Api.given(corrald)
                .get("/1.0/operations/" + stop.get("id").asText())).path("status_code").asInt() == 103);
        Thread.sleep(500);

        // Incus answers 202 and fails the operation: Instance is busy running a "stop" operation;
        // a synchronous 409 says the same sooner
        for (String second : new String[] {"{\"action\":\"restart\"}", "{\"action\":\"restart\",\"force\":true}"}) {
            Response r = stateChange(name, second);
            if (r.statusCode() == 409) {
                Envelopes.error(r, 409);
            } else {
                String err = Containers.assertFailure(containers.waitFor(Envelopes.async(r)));
                assertTrue(err.contains("busy"), err);
            }
            JsonNode first = Envelopes.sync(Api.given(corrald).get("/1.0/operations/" + stop.get("id").asText()));
            assertEquals(103, first.path("status_code").asInt(), "the stop still runs: " + first);
        }
        containers.waitFor(stop); // how it ends is ContainersApiTest's business
        containers.cleanup();
    }

    private Response create(ObjectNode body) {
        return Api.given(corrald).body(Json.write(body)).post("/1.0/instances");
    }

    private Response stateChange(String name, String body) {
        return Api.given(corrald).body(body).put("/1.0/instances/" + name + "/state");
    }

    private Response rename(String from, String to) {
        return Api.given(corrald).body("{\"name\":\"" + to + "\"}").post("/1.0/instances/" + from);
    }

    /** Refused: a 4xx error envelope, or (Incus's way for updates) 202 and a failed operation; naming {@code what}. */
    private void refusedNaming(Response r, String what) {
        String error;
        if (r.statusCode() == 202) {
            error = Containers.assertFailure(containers.waitFor(Envelopes.async(r)));
        } else {
            error = Envelopes.errorBody(r.asString()).get("error").asText();
            assertTrue(r.statusCode() == 400 || r.statusCode() == 404, r.statusCode() + " " + error);
        }
        assertTrue(error.contains(what), error);
    }
}
