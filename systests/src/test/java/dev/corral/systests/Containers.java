package dev.corral.systests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.restassured.response.Response;

/**
 * Containers through the REST API, for the container system tests: create and wait, state changes, reading the
 * state, host-side facts about a running container ({@code /proc/<pid>/...}, its cgroup), and cleanup that works
 * whatever state a failed test left behind.
 *
 * <p>Names are unique per run ({@link #uniqueName(String)}): LXC names a container's cgroups after the container
 * alone ({@code lxc.payload.<name>}), so two daemons on one host must never use the same container name.
 */
final class Containers {

    /** The alias of the image corrald imports on first start. */
    static final String IMAGE = "busybox";
    /** Bound on waiting for one operation. */
    static final Duration OPERATION_WAIT = Duration.ofSeconds(90);

    private final Corrald daemon;
    private final List<String> created = new ArrayList<>();

    Containers(Corrald daemon) {
        this.daemon = daemon;
    }

    /** A name no other run uses: {@code prefix-<8 hex>} (letters, digits, hyphens: a valid instance name). */
    static String uniqueName(String prefix) {
        byte[] random = new byte[4];
        ThreadLocalRandom.current().nextBytes(random);
        return prefix + "-" + HexFormat.of().formatHex(random);
    }

    /** {@link #uniqueName(String)}, remembered for {@link #cleanup()}. */
    String name(String prefix) {
        String name = uniqueName(prefix);
        created.add(name);
        return name;
    }

    /** Remembers a name (e.g. the target of a rename) for {@link #cleanup()}. */
    String track(String name) {
        created.add(name);
        return name;
    }

    /** A creation body: {@code {"name":..., "source":{"type":"image","alias":"busybox"}, "start":start}}. */
    static ObjectNode fromImage(String name, boolean start) {
        ObjectNode body = Json.object().put("name", name);
        body.set("source", Json.object().put("type", "image").put("alias", IMAGE));
        body.put("start", start);
        return body;
    }

    /** POSTs {@code body} to {@code /1.0/instances}, expects 202 and waits: returns the finished operation. */
    JsonNode create(ObjectNode body) {
        if (body.hasNonNull("name")) {
            track(body.get("name").asText());
        }
        return waitFor(Envelopes.async(Api.given(daemon).body(Json.write(body)).post("/1.0/instances")));
    }

    /** Creates from the busybox image and asserts the operation succeeded. */
    void createOk(ObjectNode body) {
        assertSuccess(create(body));
    }

    /** A running busybox container with a fresh name: returns the name. */
    String launch(String prefix) {
        String name = name(prefix);
        createOk(fromImage(name, true));
        assertEquals("Running", status(name), name + " after create with start=true");
        return name;
    }

    /** A stopped busybox container with a fresh name: returns the name. */
    String createStopped(String prefix) {
        String name = name(prefix);
        createOk(fromImage(name, false));
        return name;
    }

    /** {@code GET /1.0/operations/<id>/wait}: the finished operation (fails if it is not finished in time). */
    JsonNode waitFor(JsonNode operation) {
        String id = operation.get("id").asText();
        JsonNode done = Envelopes.sync(Api.given(daemon)
                .get("/1.0/operations/" + id + "/wait?timeout=" + OPERATION_WAIT.toSeconds()));
        assertTrue(done.get("status_code").asInt() >= 200, () -> "operation " + id + " not finished within "
                + OPERATION_WAIT.toSeconds() + " s: " + done);
        return done;
    }

    static void assertSuccess(JsonNode operation) {
        assertEquals("Success", operation.path("status").asText(), () -> "operation failed: " + operation);
        assertEquals(200, operation.path("status_code").asInt(), () -> "operation: " + operation);
        assertEquals("", operation.path("err").asText(), () -> "operation: " + operation);
    }

    /** Asserts a failed operation; returns its error text. */
    static String assertFailure(JsonNode operation) {
        assertEquals("Failure", operation.path("status").asText(), () -> "operation should fail: " + operation);
        assertEquals(400, operation.path("status_code").asInt(), () -> "operation: " + operation);
        String err = operation.path("err").asText();
        assertTrue(!err.isBlank(), () -> "a failed operation says why: " + operation);
        Envelopes.assertNoStackTrace(err);
        return err;
    }

    /** {@code PUT /state} with {@code body}; expects 202 and returns the finished operation. */
    JsonNode stateChange(String name, ObjectNode body) {
        return waitFor(Envelopes.async(Api.given(daemon).body(Json.write(body))
                .put("/1.0/instances/" + name + "/state")));
    }

    /** {@code PUT /state} with {@code {"action": action}} and the given extras; asserts success. */
    void action(String name, String action) {
        assertSuccess(stateChange(name, Json.object().put("action", action)));
    }

    void forceStop(String name) {
        assertSuccess(stateChange(name, Json.object().put("action", "stop").put("force", true)));
    }

    /** {@code DELETE /1.0/instances/<name>} of a stopped instance; asserts success. */
    void delete(String name) {
        assertSuccess(waitFor(Envelopes.async(Api.given(daemon).delete("/1.0/instances/" + name))));
    }

    /** {@code GET /1.0/instances/<name>} metadata. */
    JsonNode get(String name) {
        return Envelopes.sync(Api.given(daemon).get("/1.0/instances/" + name));
    }

    String status(String name) {
        return get(name).path("status").asText();
    }

    /** {@code GET /1.0/instances/<name>/state} metadata. */
    JsonNode state(String name) {
        return Envelopes.sync(Api.given(daemon).get("/1.0/instances/" + name + "/state"));
    }

    /** The host pid of the container's init (from {@code /state}); asserts it is positive. */
    int pid(String name) {
        int pid = state(name).path("pid").asInt();
        assertTrue(pid > 0, () -> name + " has no init pid: " + state(name));
        return pid;
    }

    /** Whether the daemon lists an instance of that name (no OpenAPI check: also used in cleanup). */
    boolean exists(String name) {
        return Api.unchecked(daemon).get("/1.0/instances/" + name).statusCode() == 200;
    }

    /** Polls until {@code check} holds or {@code timeout} passes; fails with {@code what}. */
    static void await(String what, Duration timeout, java.util.function.BooleanSupplier check)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!check.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("not within " + timeout.toSeconds() + " s: " + what);
            }
            Thread.sleep(100);
        }
    }

    /** Name and status of every instance: what bad requests must leave unchanged. */
    Map<String, String> snapshot() {
        Map<String, String> out = new LinkedHashMap<>();
        for (JsonNode instance : Envelopes.sync(Api.given(daemon).get("/1.0/instances?recursion=1"))) {
            out.put(instance.path("name").asText(), instance.path("status").asText());
        }
        return out;
    }

    /**
     * Deletes every instance this helper created (force-stopping running ones, thawing frozen ones), ignoring
     * errors: a test's failure must not hide behind its cleanup's. Whatever survives is killed by {@link Corrald}.
     */
    void cleanup() {
        for (String name : List.copyOf(created)) {
            try {
                cleanupOne(name);
            } catch (RuntimeException | AssertionError e) {
                System.err.println("cleanup of " + name + ": " + e);
            }
        }
        created.clear();
    }

    private void cleanupOne(String name) {
        if (!exists(name)) {
            return;
        }
        for (int attempt = 0; attempt < 3 && exists(name); attempt++) {
            JsonNode instance = Json.parse(Api.unchecked(daemon).get("/1.0/instances/" + name).asString());
            String status = instance.path("metadata").path("status").asText();
            if (!"Stopped".equals(status)) {
                quietWait(Api.unchecked(daemon).body("{\"action\":\"stop\",\"force\":true}")
                        .put("/1.0/instances/" + name + "/state"));
            }
            quietWait(Api.unchecked(daemon).delete("/1.0/instances/" + name));
        }
    }

    private void quietWait(Response r) {
        if (r.statusCode() == 202) {
            String id = Json.parse(r.asString()).path("metadata").path("id").asText();
            Api.unchecked(daemon).get("/1.0/operations/" + id + "/wait?timeout=60");
        }
    }

    // ---- the host's view of a running container ----

    /** {@code /proc/<pid>/status}'s line starting with {@code field + ":"}, tab-separated values. */
    static List<String> procStatus(int pid, String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"), StandardCharsets.UTF_8)) {
            if (line.startsWith(field + ":")) {
                return List.of(line.substring(field.length() + 1).trim().split("\\s+"));
            }
        }
        throw new AssertionError("no " + field + " line in /proc/" + pid + "/status");
    }

    /** The environment of a process, from {@code /proc/<pid>/environ}. */
    static Map<String, String> environ(int pid) throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        String all = new String(Files.readAllBytes(Path.of("/proc/" + pid + "/environ")), StandardCharsets.UTF_8);
        for (String entry : all.split("\0")) {
            int eq = entry.indexOf('=');
            if (eq > 0) {
                env.put(entry.substring(0, eq), entry.substring(eq + 1));
            }
        }
        return env;
    }

    /**
     * A file of the cgroup that process {@code pid} is in: for a cgroup v1 controller {@code
     * /sys/fs/cgroup/<controller>/<path>/<v1File>}, else (unified hierarchy) {@code /sys/fs/cgroup/<path>/<v2File>}.
     */
    static Path cgroupFile(int pid, String controller, String v1File, String v2File) throws IOException {
        String unified = null;
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/cgroup"), StandardCharsets.UTF_8)) {
            String[] parts = line.split(":", 3);
            if (parts.length < 3) {
                continue;
            }
            if (List.of(parts[1].split(",")).contains(controller)) {
                Path file = Path.of("/sys/fs/cgroup", controller, parts[2], v1File);
                if (Files.exists(file)) {
                    return file;
                }
            }
            if (parts[0].equals("0") && parts[1].isEmpty()) {
                unified = parts[2];
            }
        }
        if (unified != null) {
            for (Path root : List.of(Path.of("/sys/fs/cgroup"), Path.of("/sys/fs/cgroup/unified"))) {
                Path file = Path.of(root + unified, v2File);
                if (Files.exists(file)) {
                    return file;
                }
            }
        }
        throw new AssertionError("no " + controller + " cgroup file (" + v1File + " / " + v2File + ") for pid " + pid
                + ": " + Files.readString(Path.of("/proc/" + pid + "/cgroup")));
    }

    /** Runs a host command (bounded to 30 s); returns its exit status and output (stdout and stderr). */
    static Host host(String... command) throws IOException, InterruptedException {
        Path out = Files.createTempFile("corral-systest-", ".out");
        try {
            Process p = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(out.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail(String.join(" ", command) + " did not finish within 30 s: " + Files.readString(out));
            }
            return new Host(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    record Host(int exitCode, String output) {
    }

    /** Finds a lifecycle event for {@code source} with {@code action}. */
    static Predicate<JsonNode> lifecycle(String action, String name) {
        return m -> "lifecycle".equals(m.path("type").asText())
                && action.equals(m.at("/metadata/action").asText())
                && ("/1.0/instances/" + name).equals(m.at("/metadata/source").asText());
    }
}
