package dev.corral.systests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.restassured.response.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code /1.0/instances/{name}/logs} on a real container: the list, one file, deleting, Incus's names and nothing
 * else (traversal, links, the console log), {@code incus info --show-log}; and the lifecycle events Incus sends for
 * logs, exec and the REST files API.
 */
class LogsTest {

    @RegisterExtension
    static final Corrald corrald = Corrald.create();

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Containers containers = new Containers(corrald);
    private static IncusCli incus;
    private static String c;

    @BeforeAll
    static void setUp() throws Exception {
        corrald.assumeCorrald("needs real containers and the daemon's log directory");
        incus = IncusCli.incus(corrald);
        c = containers.launch("logs");
    }

    @AfterAll
    static void tearDown() {
        containers.cleanup();
        if (incus != null) {
            incus.close();
        }
    }

    private static Path logDir(String instance) {
        return corrald.dir().resolve("logs").resolve(instance);
    }

    @Test
    void listAndGetLxcLog() throws Exception {
        List<String> urls = Json.strings(Envelopes.sync(Api.given(corrald).get("/1.0/instances/" + c + "/logs")));
        assertEquals(List.of("/1.0/instances/" + c + "/logs/lxc.log"), urls, "Incus lists lxc.log alone here");
        Response r = Api.given(corrald).get("/1.0/instances/" + c + "/logs/lxc.log");
        assertEquals(200, r.statusCode());
        assertTrue(r.contentType().startsWith("application/octet-stream"), r.contentType());
        assertEquals(Files.readString(logDir(c).resolve("lxc.log")), r.asString());
        // the containers spelling too
        Envelopes.sync(Api.given(corrald).get("/1.0/containers/" + c + "/logs"));
    }

    @Test
    void cliInfoShowLog() throws Exception {
        IncusCli.Result info = incus.run("info", c, "--show-log").assertSuccess();
        assertTrue(info.stdout().contains("Log:"), info.toString());
    }

    @Test
    void deleteOtherLogsButNotLxcLog() throws Exception {
        try (Events events = Events.connect(corrald, "type=lifecycle")) {
            Files.writeString(logDir(c).resolve("snapshot_one.log"), "snapshot log\n");
            List<String> urls = Json.strings(Envelopes.sync(Api.given(corrald).get("/1.0/instances/" + c
                    + "/logs")));
            assertTrue(urls.contains("/1.0/instances/" + c + "/logs/snapshot_one.log"), urls.toString());
            assertEquals("snapshot log\n", Api.given(corrald).get("/1.0/instances/" + c
                    + "/logs/snapshot_one.log").asString());
            JsonNode retrieved = events.await(e -> e.at("/metadata/action").asText()
                    .equals("instance-log-retrieved"), WAIT);
            // Incus 6.0 names the source so (sic)
            assertEquals("/1.0/instances/" + c + "/backups/snapshot_one.log",
                    retrieved.at("/metadata/source").asText());
            assertEquals("unix", retrieved.at("/metadata/requestor/protocol").asText());

            Envelopes.sync(Api.given(corrald).delete("/1.0/instances/" + c + "/logs/snapshot_one.log"));
            assertFalse(Files.exists(logDir(c).resolve("snapshot_one.log")));
            events.await(e -> e.at("/metadata/action").asText().equals("instance-log-deleted"), WAIT);
            Envelopes.error(Api.given(corrald).delete("/1.0/instances/" + c + "/logs/snapshot_one.log"), 404);
        }
        assertEquals("Only log files excluding qemu.log and lxc.log may be deleted", Envelopes.error(
                Api.given(corrald).delete("/1.0/instances/" + c + "/logs/lxc.log"), 400));
        assertTrue(Files.exists(logDir(c).resolve("lxc.log")));
    }

    @Test
    void onlyIncusNamesAndNothingOutside() throws Exception {
        String base = "/1.0/instances/" + c + "/logs/";
        assertEquals("Log file name \"console.log\" not valid",
                Envelopes.error(Api.given(corrald).get(base + "console.log"), 400));
        Envelopes.error(Api.given(corrald).get(base + "lxc-start.log"), 400);
        Envelopes.error(Api.given(corrald).get(base + "snapshot_missing"), 404);
        for (String traversal : List.of("..%2F..%2F..%2Fetc%2Fpasswd", "snapshot_..%2F..%2F..%2Fetc%2Fpasswd",
                "migration_..", "%2Fetc%2Fpasswd", "lxc.log%00")) {
            Response r = Api.given(corrald).get(base + traversal);
            assertTrue(r.statusCode() == 400 || r.statusCode() == 404, traversal + ": " + r.asString());
            Envelopes.errorBody(r.asString());
            assertFalse(r.asString().contains("root:"), traversal);
            Response d = Api.given(corrald).delete(base + traversal);
            assertTrue(d.statusCode() == 400 || d.statusCode() == 404, traversal + ": " + d.asString());
        }
        // a link in the log directory is neither listed nor followed
        Path link = logDir(c).resolve("snapshot_link.log");
        Files.createSymbolicLink(link, Path.of("/etc/passwd"));
        try {
            List<String> urls = Json.strings(Envelopes.sync(Api.given(corrald).get("/1.0/instances/" + c
                    + "/logs")));
            assertFalse(urls.toString().contains("snapshot_link.log"), urls.toString());
            Response r = Api.given(corrald).get(base + "snapshot_link.log");
            Envelopes.error(r, 404);
            assertFalse(r.asString().contains("root:"));
        } finally {
            Files.deleteIfExists(link);
        }
        Envelopes.error(Api.given(corrald).get("/1.0/instances/no-such-instance/logs"), 404);
        Envelopes.error(Api.given(corrald).get("/1.0/instances/no-such-instance/logs/lxc.log"), 404);
    }

    @Test
    void execAndFileEvents() throws Exception {
        try (Events events = Events.connect(corrald, "type=lifecycle")) {
            incus.run("exec", c, "--", "true").assertSuccess();
            JsonNode exec = events.await(e -> e.at("/metadata/action").asText().equals("instance-exec"), WAIT);
            assertEquals("/1.0/instances/" + c, exec.at("/metadata/source").asText());
            assertEquals("[\"true\"]", exec.at("/metadata/context/command").toString());
            assertEquals("unix", exec.at("/metadata/requestor/protocol").asText());

            String files = "/1.0/instances/" + c + "/files?path=/root/event.txt";
            Envelopes.sync(Api.given(corrald).contentType("application/octet-stream").body("hi".getBytes())
                    .post(files));
            JsonNode pushed = events.await(e -> e.at("/metadata/action").asText().equals("instance-file-pushed"),
                    WAIT);
            assertEquals("/root/event.txt", pushed.at("/metadata/context/path").asText());
            assertEquals("hi", Api.given(corrald).get(files).asString());
            events.await(e -> e.at("/metadata/action").asText().equals("instance-file-retrieved")
                    && e.at("/metadata/context/path").asText().equals("/root/event.txt"), WAIT);
            Envelopes.sync(Api.given(corrald).delete(files));
            events.await(e -> e.at("/metadata/action").asText().equals("instance-file-deleted")
                    && e.at("/metadata/context/path").asText().equals("/root/event.txt"), WAIT);

            // recorded exec output is a log too
            JsonNode op = containers.waitFor(Envelopes.async(Api.given(corrald)
                    .body("{\"command\":[\"echo\",\"recorded\"],\"record-output\":true}")
                    .post("/1.0/instances/" + c + "/exec")));
            String stdout = op.at("/metadata/output/1").asText();
            assertEquals("recorded\n", Api.given(corrald).get(stdout).asString());
            String file = stdout.substring(stdout.lastIndexOf('/') + 1);
            events.await(e -> e.at("/metadata/action").asText().equals("instance-log-retrieved")
                    && e.at("/metadata/source").asText().endsWith("/" + file), WAIT);
            Envelopes.sync(Api.given(corrald).delete(stdout));
            events.await(e -> e.at("/metadata/action").asText().equals("instance-log-deleted")
                    && e.at("/metadata/source").asText().endsWith("/" + file), WAIT);
        }
    }
}
