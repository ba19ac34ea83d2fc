package dev.corral.systests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.restassured.response.Response;

/**
 * Containers through the REST API (REST-assured, every answer checked against the OpenAPI document): creation from
 * an alias, a fingerprint, a fingerprint prefix and from nothing; configuration, devices, profiles, ephemeral
 * containers; listing with recursion and filters; ETag and If-Match; PATCH; every state change; the runtime state;
 * rename; delete; LXD's {@code /1.0/containers} paths; the lifecycle events of all of it.
 */
class ContainersApiTest {

    @RegisterExtension
    static final Corrald corrald = Corrald.create();

    private static final Duration EVENT_WAIT = Duration.ofSeconds(15);
    /** Go's zero time, which Incus sends for "never". */
    private static final String NEVER = "0001-01-01T00:00:00Z";

    private final Containers containers = new Containers(corrald);
    private final List<String> profiles = new ArrayList<>();

    @BeforeAll
    static void needsCorrald() {
        corrald.assumeCorrald("needs the built-in busybox image");
    }

    @AfterEach
    void cleanup() {
        containers.cleanup();
        for (String profile : profiles) {
            Api.unchecked(corrald).delete("/1.0/profiles/" + profile);
        }
    }

    // ---- creation ----

    @Test
    void createAndStartFromAnAlias() {
        String name = containers.name("alias");
        containers.createOk(Containers.fromImage(name, true));
        JsonNode instance = containers.get(name);
        assertEquals("Running", instance.path("status").asText());
        assertEquals(103, instance.path("status_code").asInt());
        assertEquals("container", instance.path("type").asText());
        assertEquals(List.of("default"), Json.strings(instance.path("profiles")));
        assertEquals(busyboxFingerprint(), instance.at("/config/volatile.base_image").asText(), instance.toString());
        assertEquals("disk", instance.at("/expanded_devices/root/type").asText(), "root disk from the profile");
        assertNotEquals(NEVER, instance.path("last_used_at").asText(), "started: " + instance);
        assertTrue(containers.pid(name) > 0);
    }

    @Test
    void createFromAFingerprintAndAFingerprintPrefix() {
        String fingerprint = busyboxFingerprint();
        for (String source : List.of(fingerprint, fingerprint.substring(0, 12))) {
            String name = containers.name("fp");
            ObjectNode body = Json.object().put("name", name);
            body.set("source", Json.object().put("type", "image").put("fingerprint", source));
            containers.createOk(body);
            JsonNode instance = containers.get(name);
            assertEquals("Stopped", instance.path("status").asText(), "not started without start=true");
            assertEquals(NEVER, instance.path("last_used_at").asText(), instance.toString());
            assertEquals(fingerprint, instance.at("/config/volatile.base_image").asText(), source);
            containers.action(name, "start");
            assertEquals("Running", containers.status(name));
        }
    }

    @Test
    void anEmptyContainerIsCreatedButDoesNotStart() {
        String name = containers.name("empty");
        ObjectNode body = Json.object().put("name", name);
        body.set("source", Json.object().put("type", "none"));
        Containers.assertSuccess(containers.create(body));
        JsonNode instance = containers.get(name);
        assertEquals("Stopped", instance.path("status").asText());
        assertFalse(instance.path("config").has("volatile.base_image"), instance.toString());
        Path rootfs = corrald.dir().resolve("storage-pools/default/containers/" + name + "/rootfs");
        assertTrue(Files.isDirectory(rootfs), "an empty root file system: " + rootfs);

        // nothing to run: the start fails (no /sbin/init), the container stays stopped and can be deleted
        String err = Containers.assertFailure(containers.stateChange(name, Json.object().put("action", "start")));
        assertTrue(err.contains(name), err);
        assertEquals("Stopped", containers.status(name));
        containers.delete(name);
        assertFalse(containers.exists(name));
    }

    @Test
    void configDevicesAndProfilesAtCreation() throws Exception {
        String profile = Containers.uniqueName("prof");
        Response created = Api.given(corrald).body("{\"name\":\"" + profile + "\",\"config\":{\"user.from-profile\":"
                + "\"p\",\"limits.memory\":\"256MiB\"}}").post("/1.0/profiles");
        assertEquals(201, created.statusCode(), created.asString());
        profiles.add(profile);

        String name = containers.name("cfg");
        ObjectNode body = Containers.fromImage(name, true);
        body.putArray("profiles").add("default").add(profile);
        body.set("config", Json.object().put("limits.memory", "64MiB").put("user.own", "o"));
        body.set("devices", Json.object().set("marker", Json.object().put("type", "none")));
        containers.createOk(body);

        JsonNode instance = containers.get(name);
        assertEquals(List.of("default", profile), Json.strings(instance.path("profiles")));
        assertEquals("64MiB", instance.at("/config/limits.memory").asText());
        assertFalse(instance.path("config").has("user.from-profile"), "profile keys are not local: " + instance);
        assertEquals("p", instance.at("/expanded_config/user.from-profile").asText(), instance.toString());
        assertEquals("64MiB", instance.at("/expanded_config/limits.memory").asText(), "the instance wins");
        assertEquals("o", instance.at("/expanded_config/user.own").asText());
        assertEquals("none", instance.at("/devices/marker/type").asText());
        assertEquals(Set.of("root", "marker"), Json.fieldNames(instance.path("expanded_devices")));

        Path limit = Containers.cgroupFile(containers.pid(name), "memory", "memory.limit_in_bytes", "memory.max");
        assertEquals(String.valueOf(64L << 20), Files.readString(limit).trim(), limit.toString());
        JsonNode usedBy = Envelopes.sync(Api.given(corrald).get("/1.0/profiles/" + profile)).path("used_by");
        assertTrue(Json.strings(usedBy).contains("/1.0/instances/" + name), usedBy.toString());
    }

    @Test
    void aHostDiskDeviceIsMountedOrRefused(@TempDir Path shared) throws Exception {
        Files.writeString(shared.resolve("hello.txt"), "from the host\n");
        String name = containers.name("disk");
        ObjectNode body = Containers.fromImage(name, true);
        body.set("devices", Json.object().set("shared", Json.object().put("type", "disk")
                .put("source", shared.toString()).put("path", "/mnt/shared")));
        Response r = Api.given(corrald).body(Json.write(body)).post("/1.0/instances");
        if (r.statusCode() == 400) {
            return; // not supported, and said so: fine
        }
        Containers.assertSuccess(containers.waitFor(Envelopes.async(r)));
        // accepted: then it must be there, as Incus bind-mounts it
        Path seen = Path.of("/proc/" + containers.pid(name) + "/root/mnt/shared/hello.txt");
        assertTrue(Files.exists(seen), "disk device " + shared + " accepted but not mounted at /mnt/shared: "
                + containers.get(name).path("expanded_devices"));
    }

    @Test
    void anEphemeralContainerIsDeletedWhenStopped() throws Exception {
        String name = containers.name("eph");
        ObjectNode body = Containers.fromImage(name, true).put("ephemeral", true);
        containers.createOk(body);
        assertTrue(containers.get(name).path("ephemeral").asBoolean());

        containers.action(name, "restart");
        assertEquals("Running", containers.status(name), "a restart keeps an ephemeral container");

        try (Events events = Events.connect(corrald, "type=lifecycle")) {
            containers.action(name, "stop");
            Envelopes.error(Api.given(corrald).get("/1.0/instances/" + name), 404);
            events.await(Containers.lifecycle("instance-deleted", name), EVENT_WAIT);
        }
        assertFalse(Files.exists(corrald.dir().resolve("storage-pools/default/containers/" + name)));
    }

    @Test
    void anEphemeralContainerThatStopsOnItsOwnIsDeleted() throws Exception {
        String name = containers.name("ephself");
        containers.createOk(Containers.fromImage(name, true).put("ephemeral", true));
        int pid = containers.pid(name);
        // init dies (a crash, or "poweroff" inside): Incus notices through LXC's stop hook and deletes the instance
        assertEquals(0, Containers.host("kill", "-KILL", Integer.toString(pid)).exitCode());
        Containers.await(name + " (ephemeral) deleted after its init died", Duration.ofSeconds(20),
                () -> !containers.exists(name));
    }

    @Test
    void aContainerThatStopsOnItsOwnEmitsInstanceShutdown() throws Exception {
        String name = containers.launch("selfstop");
        try (Events events = Events.connect(corrald, "type=lifecycle")) {
            assertEquals(0, Containers.host("kill", "-KILL", Integer.toString(containers.pid(name))).exitCode());
            events.await(Containers.lifecycle("instance-shutdown", name), EVENT_WAIT);
        }
        assertEquals("Stopped", Envelopes.sync(Api.given(corrald).get("/1.0/instances/" + name)).path("status")
                .asText());
    }

    // ---- listing ----

    @Test
    void listWithRecursionAndFilters() {
        String running = containers.launch("lrun");
        String stopped = containers.createStopped("lstop");

        JsonNode urls = Envelopes.sync(Api.given(corrald).get("/1.0/instances"));
        assertTrue(Json.strings(urls).containsAll(List.of("/1.0/instances/" + running, "/1.0/instances/" + stopped)),
                urls.toString());

        JsonNode objects = Envelopes.sync(Api.given(corrald).get("/1.0/instances?recursion=1"));
        JsonNode r1 = byName(objects, running);
        assertEquals("Running", r1.path("status").asText());
        assertEquals("Stopped", byName(objects, stopped).path("status").asText());
        assertFalse(r1.has("state") && !r1.get("state").isNull(), "no state at recursion 1: " + r1);

        JsonNode full = Envelopes.sync(Api.given(corrald).get("/1.0/instances?recursion=2"));
        JsonNode r2 = byName(full, running);
        assertEquals("Running", r2.at("/state/status").asText(), r2.toString());
        assertTrue(r2.at("/state/pid").asInt() > 0, r2.toString());
        assertEquals(0, byName(full, stopped).at("/state/pid").asInt());

        JsonNode onlyRunning = Envelopes.sync(Api.given(corrald).get("/1.0/instances?filter=status%20eq%20Running"));
        assertTrue(Json.strings(onlyRunning).contains("/1.0/instances/" + running), onlyRunning.toString());
        assertFalse(Json.strings(onlyRunning).contains("/1.0/instances/" + stopped), onlyRunning.toString());
        JsonNode runningObjects = Envelopes.sync(Api.given(corrald)
                .get("/1.0/instances?recursion=1&filter=status+eq+Running"));
        runningObjects.forEach(i -> assertEquals("Running", i.path("status").asText(), i.toString()));
        JsonNode byItsName = Envelopes.sync(Api.given(corrald)
                .get("/1.0/instances?recursion=1&filter=name%20eq%20" + stopped));
        assertEquals(1, byItsName.size(), byItsName.toString());
        assertEquals(stopped, byItsName.get(0).path("name").asText());

        JsonNode one = Envelopes.sync(Api.given(corrald).get("/1.0/instances/" + running + "?recursion=1"));
        assertTrue(one.at("/state/pid").asInt() > 0, "GET with recursion=1 carries the state: " + one);
    }

    // ---- updates ----

    @Test
    void putWithIfMatchAndAStaleEtag() {
        String name = containers.createStopped("etag");
        Response got = Api.given(corrald).get("/1.0/instances/" + name);
        String etag = got.header("ETag");
        assertTrue(etag != null && !etag.isBlank(), "GET answers an ETag");
        JsonNode instance = Envelopes.sync(got);

        ObjectNode put = writable(instance);
        ((ObjectNode) put.get("config")).put("user.round", "1");
        Containers.assertSuccess(containers.waitFor(Envelopes.async(Api.given(corrald).header("If-Match", etag)
                .body(Json.write(put)).put("/1.0/instances/" + name))));
        Response after = Api.given(corrald).get("/1.0/instances/" + name);
        assertEquals("1", Envelopes.sync(after).at("/config/user.round").asText());
        assertNotEquals(etag, after.header("ETag"), "the ETag follows the configuration");

        // the first ETag is stale now: Incus refuses at once with 412, before any operation
        ((ObjectNode) put.get("config")).put("user.round", "2");
        Response stale = Api.given(corrald).header("If-Match", etag).body(Json.write(put))
                .put("/1.0/instances/" + name);
        Envelopes.error(stale, 412);
        assertEquals("1", containers.get(name).at("/config/user.round").asText(), "nothing changed");
    }

    @Test
    void putReplacesAndPatchMerges() {
        String name = containers.createStopped("patch");
        ObjectNode put = writable(containers.get(name));
        ((ObjectNode) put.get("config")).put("user.a", "1").put("limits.memory", "64MiB");
        put.put("description", "described");
        Containers.assertSuccess(containers.waitFor(Envelopes.async(
                Api.given(corrald).body(Json.write(put)).put("/1.0/instances/" + name))));
        JsonNode instance = containers.get(name);
        assertEquals("described", instance.path("description").asText());
        assertEquals("1", instance.at("/config/user.a").asText());

        // Incus answers PATCH synchronously; Corral runs it as an operation (its OpenAPI document says so)
        Response patched = Api.given(corrald).body("{\"config\":{\"user.b\":\"2\"}}").patch("/1.0/instances/" + name);
        if (patched.statusCode() == 202) {
            Containers.assertSuccess(containers.waitFor(Envelopes.async(patched)));
        } else {
            Envelopes.sync(patched);
        }
        instance = containers.get(name);
        assertEquals("1", instance.at("/config/user.a").asText(), "PATCH keeps what it does not name: " + instance);
        assertEquals("2", instance.at("/config/user.b").asText());
        assertEquals("64MiB", instance.at("/config/limits.memory").asText());
        assertEquals("described", instance.path("description").asText());
        assertEquals(List.of("default"), Json.strings(instance.path("profiles")));

        // a PUT without a key removes it
        ObjectNode replace = writable(instance);
        ((ObjectNode) replace.get("config")).remove(List.of("user.a", "user.b"));
        Containers.assertSuccess(containers.waitFor(Envelopes.async(
                Api.given(corrald).body(Json.write(replace)).put("/1.0/instances/" + name))));
        instance = containers.get(name);
        assertFalse(instance.path("config").has("user.a") || instance.path("config").has("user.b"),
                instance.toString());
        assertEquals("64MiB", instance.at("/config/limits.memory").asText());
        assertTrue(instance.path("config").has("volatile.base_image"), "volatile keys stay: " + instance);
    }

    // ---- state ----

    @Test
    void everyStateChangeReachesItsStatus() throws Exception {
        String name = containers.createStopped("state");
        containers.action(name, "start");
        assertEquals("Running", containers.status(name));
        int pid = containers.pid(name);

        containers.action(name, "freeze");
        assertEquals("Frozen", containers.status(name));
        assertEquals(110, containers.get(name).path("status_code").asInt());
        assertEquals("Frozen", containers.state(name).path("status").asText());
        containers.action(name, "unfreeze");
        assertEquals("Running", containers.status(name));
        assertEquals(pid, containers.pid(name), "unfreeze thaws the same init");

        containers.action(name, "freeze");
        containers.action(name, "start"); // a frozen instance is started by thawing it
        assertEquals("Running", containers.status(name));
        assertEquals(pid, containers.pid(name));

        containers.action(name, "restart");
        assertEquals("Running", containers.status(name));
        int restarted = containers.pid(name);
        assertNotEquals(pid, restarted, "restart runs a new init");

        Containers.assertSuccess(containers.stateChange(name, Json.object().put("action", "stop")
                .put("timeout", 30)));
        assertEquals("Stopped", containers.status(name));
        assertEquals(102, containers.get(name).path("status_code").asInt());
        assertFalse(Files.exists(Path.of("/proc/" + restarted)), "init is gone");

        containers.action(name, "start");
        containers.action(name, "freeze");
        containers.forceStop(name); // even a frozen container is killed
        assertEquals("Stopped", containers.status(name));

        containers.action(name, "start");
        Containers.assertSuccess(containers.stateChange(name, Json.object().put("action", "restart")
                .put("force", true)));
        assertEquals("Running", containers.status(name));
    }

    @Test
    void aGracefulStopThatTimesOutFailsAndLeavesTheContainerRunning() throws Exception {
        // init ignores the halt signal: as in Incus, a shutdown that does not finish in time fails the operation
        // ("Failed shutting down instance, status is "Running"...") and leaves the instance running; only
        // force kills it
        String name = containers.name("stubborn");
        ObjectNode body = Containers.fromImage(name, true);
        body.set("config", Json.object().put("raw.lxc", "lxc.signal.halt = SIGURG"));
        containers.createOk(body);
        int pid = containers.pid(name);
        String err = Containers.assertFailure(containers.stateChange(name, Json.object().put("action", "stop")
                .put("timeout", 2)));
        assertTrue(err.toLowerCase().contains("shut"), err);
        assertEquals("Running", containers.status(name));
        assertEquals(pid, containers.pid(name));
        containers.forceStop(name);
        assertEquals("Stopped", containers.status(name));
    }

    @Test
    void theRuntimeStateOfARunningContainer() {
        String name = containers.launch("rt");
        JsonNode state = containers.state(name);
        assertEquals("Running", state.path("status").asText());
        assertEquals(103, state.path("status_code").asInt());
        assertTrue(state.path("pid").asInt() > 0, state.toString());
        assertTrue(state.path("processes").asInt() > 0, state.toString());
        assertTrue(state.at("/memory/usage").asLong() > 0, state.toString());
        assertTrue(state.path("network").has("lo"), state.toString());
        JsonNode lo = state.at("/network/lo");
        assertEquals("loopback", lo.path("type").asText(), lo.toString());
        assertEquals("up", lo.path("state").asText(), lo.toString());
        boolean localhost = false;
        for (JsonNode address : lo.path("addresses")) {
            localhost |= "127.0.0.1".equals(address.path("address").asText())
                    && "inet".equals(address.path("family").asText());
        }
        assertTrue(localhost, "127.0.0.1 on lo: " + lo);
        assertNotEquals(NEVER, state.path("started_at").asText(), state.toString());

        containers.forceStop(name);
        JsonNode stopped = containers.state(name);
        assertEquals("Stopped", stopped.path("status").asText());
        assertEquals(0, stopped.path("pid").asInt());
        assertEquals(0, stopped.path("processes").asInt());
    }

    // ---- rename, delete ----

    @Test
    void renameThroughPostThenDelete() throws Exception {
        String name = containers.createStopped("old");
        String renamed = containers.track(Containers.uniqueName("new"));
        try (Events events = Events.connect(corrald, "type=lifecycle")) {
            Containers.assertSuccess(containers.waitFor(Envelopes.async(Api.given(corrald)
                    .body("{\"name\":\"" + renamed + "\"}").post("/1.0/instances/" + name))));
            JsonNode event = events.await(Containers.lifecycle("instance-renamed", renamed), EVENT_WAIT);
            assertEquals(name, event.at("/metadata/context/old_name").asText(), event.toString());
        }
        Envelopes.error(Api.given(corrald).get("/1.0/instances/" + name), 404);
        assertEquals("Stopped", containers.status(renamed));
        assertTrue(Files.isDirectory(corrald.dir().resolve("storage-pools/default/containers/" + renamed
                + "/rootfs/bin")), "the root volume moved");
        assertFalse(Files.exists(corrald.dir().resolve("storage-pools/default/containers/" + name)));
        containers.action(renamed, "start");
        assertEquals("Running", containers.status(renamed));
        containers.forceStop(renamed);
        containers.delete(renamed);
        Envelopes.error(Api.given(corrald).get("/1.0/instances/" + renamed), 404);
        assertFalse(Files.exists(corrald.containersDir().resolve(renamed)));
    }

    @Test
    void theLegacyContainersPathsAnswerTheSame() {
        String name = containers.name("legacy");
        containers.track(name);
        ObjectNode body = Containers.fromImage(name, false);
        Containers.assertSuccess(containers.waitFor(Envelopes.async(Api.given(corrald).body(Json.write(body))
                .post("/1.0/containers"))));

        Set<String> viaInstances = names(Envelopes.sync(Api.given(corrald).get("/1.0/instances")));
        Set<String> viaContainers = names(Envelopes.sync(Api.given(corrald).get("/1.0/containers")));
        assertEquals(viaInstances, viaContainers);
        assertTrue(viaContainers.contains(name), viaContainers.toString());
        for (JsonNode url : Envelopes.sync(Api.given(corrald).get("/1.0/containers"))) {
            Envelopes.sync(Api.given(corrald).get(url.asText())); // every URL it lists can be followed
        }

        JsonNode a = Envelopes.sync(Api.given(corrald).get("/1.0/containers/" + name));
        JsonNode b = Envelopes.sync(Api.given(corrald).get("/1.0/instances/" + name));
        assertEquals(b, a);

        Containers.assertSuccess(containers.waitFor(Envelopes.async(Api.given(corrald)
                .body("{\"action\":\"start\"}").put("/1.0/containers/" + name + "/state"))));
        JsonNode state = Envelopes.sync(Api.given(corrald).get("/1.0/containers/" + name + "/state"));
        assertEquals("Running", state.path("status").asText());
        assertTrue(state.path("pid").asInt() > 0);
        Envelopes.error(Api.given(corrald).delete("/1.0/containers/" + name), 400);
        Containers.assertSuccess(containers.waitFor(Envelopes.async(Api.given(corrald)
                .body("{\"action\":\"stop\",\"force\":true}").put("/1.0/containers/" + name + "/state"))));
        Containers.assertSuccess(containers.waitFor(Envelopes.async(Api.given(corrald)
                .delete("/1.0/containers/" + name))));
        Envelopes.error(Api.given(corrald).get("/1.0/containers/" + name), 404);
    }

    // ---- events ----

    @Test
    void everyLifecycleChangeSendsItsEvent() throws Exception {
        String name = containers.name("events");
        String renamed = containers.track(Containers.uniqueName("events"));
        try (Events events = Events.connect(corrald, "type=lifecycle")) {
            containers.createOk(Containers.fromImage(name, false));
            expect(events, "instance-created", name);
            containers.action(name, "start");
            expect(events, "instance-started", name);
            containers.action(name, "freeze");
            expect(events, "instance-paused", name);
            containers.action(name, "unfreeze");
            expect(events, "instance-resumed", name);
            containers.action(name, "restart");
            expect(events, "instance-restarted", name);
            Containers.assertSuccess(containers.waitFor(Envelopes.async(Api.given(corrald)
                    .body("{\"config\":{\"user.e\":\"1\"}}").patch("/1.0/instances/" + name))));
            expect(events, "instance-updated", name);
            containers.action(name, "stop");
            JsonNode stopped = events.await(m -> Containers.lifecycle("instance-shutdown", name).test(m)
                    || Containers.lifecycle("instance-stopped", name).test(m), EVENT_WAIT);
            assertEventShape(stopped);
            containers.action(name, "start");
            containers.forceStop(name);
            expect(events, "instance-stopped", name);
            Containers.assertSuccess(containers.waitFor(Envelopes.async(Api.given(corrald)
                    .body("{\"name\":\"" + renamed + "\"}").post("/1.0/instances/" + name))));
            expect(events, "instance-renamed", renamed);
            containers.delete(renamed);
            expect(events, "instance-deleted", renamed);
            assertTrue(events.problems().isEmpty(), events.problems().toString());
        }
    }

    private static void expect(Events events, String action, String name) throws InterruptedException {
        assertEventShape(events.await(Containers.lifecycle(action, name), EVENT_WAIT));
    }

    private static void assertEventShape(JsonNode event) {
        assertEquals("lifecycle", event.path("type").asText());
        assertEquals("default", event.path("project").asText(), event.toString());
        assertTrue(event.path("metadata").has("requestor"), "who asked: " + event);
        assertEquals("unix", event.at("/metadata/requestor/protocol").asText(), event.toString());
        java.time.OffsetDateTime.parse(event.path("timestamp").asText());
    }

    // ---- helpers ----

    private String busyboxFingerprint() {
        return Envelopes.sync(Api.given(corrald).get("/1.0/images/aliases/" + Containers.IMAGE)).path("target")
                .asText();
    }

    /** The writable fields of an instance (what a client PUTs back). */
    private static ObjectNode writable(JsonNode instance) {
        ObjectNode put = Json.object();
        for (String field : List.of("architecture", "config", "devices", "ephemeral", "profiles", "stateful",
                "description")) {
            put.set(field, instance.get(field).deepCopy());
        }
        return put;
    }

    private static JsonNode byName(JsonNode list, String name) {
        for (JsonNode instance : list) {
            if (name.equals(instance.path("name").asText())) {
                return instance;
            }
        }
        throw new AssertionError(name + " not listed: " + list);
    }

    private static Set<String> names(JsonNode urls) {
        Set<String> out = new HashSet<>();
        urls.forEach(u -> out.add(u.asText().substring(u.asText().lastIndexOf('/') + 1)));
        return out;
    }
}
