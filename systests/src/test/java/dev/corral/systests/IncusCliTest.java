package dev.corral.systests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;

/** The real {@code incus} CLI against the daemon ({@code INCUS_DIR}). */
class IncusCliTest {

    @RegisterExtension
    static final Corrald corrald = Corrald.create();

    private static IncusCli incus;

    private final String key = "user.systest-" + UUID.randomUUID().toString().substring(0, 8);

    @BeforeAll
    static void cli() throws Exception {
        incus = IncusCli.incus(corrald);
    }

    @AfterAll
    static void closeCli() {
        if (incus != null) {
            incus.close();
        }
    }

    @AfterEach
    void removeOurKey() {
        Api.given(corrald).body("{\"config\":{\"" + key + "\":\"\"}}").patch("/1.0");
    }

    @Test
    void info() throws Exception {
        String out = incus.run("info").assertSuccess().stdout();
        assertTrue(out.contains("api_version: \"1.0\""), out);
        assertTrue(out.contains("auth: trusted"), out);
        assertTrue(out.contains("auth_user_method: unix"), out);
        assertTrue(out.contains("server_version:"), out);
    }

    @Test
    void queryServerInfo() throws Exception {
        String out = incus.run("query", "/1.0").assertSuccess().stdout();
        JsonNode server = Json.parse(out); // `incus query` prints the metadata only
        assertEquals("1.0", server.get("api_version").asText());
        assertEquals("trusted", server.get("auth").asText());
        assertTrue(server.get("api_extensions").isArray());
    }

    @Test
    void queryUnknownPathFails() throws Exception {
        IncusCli.Result r = incus.run("query", "/1.0/nope");
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains("not found"), r.toString());
    }

    @Test
    void operationList() throws Exception {
        IncusCli.Result r = incus.run("operation", "list").assertSuccess();
        assertTrue(r.stdout().contains("ID") && r.stdout().contains("STATE"), r.toString());
        incus.run("operation", "list", "--format=json").assertSuccess();
    }

    @Test
    void projectList() throws Exception {
        String out = incus.run("project", "list", "--format=csv").assertSuccess().stdout();
        assertTrue(out.lines().anyMatch(l -> l.startsWith("default (current),")), out);
        incus.run("project", "show", "default").assertSuccess();
    }

    @Test
    void configSetGetUnset() throws Exception {
        incus.run("config", "set", key, "y").assertSuccess();
        assertEquals("y", incus.run("config", "get", key).assertSuccess().stdout().trim());
        assertEquals("y", Envelopes.sync(Api.given(corrald).get("/1.0")).get("config").path(key).asText(null));

        incus.run("config", "unset", key).assertSuccess();
        assertEquals("", incus.run("config", "get", key).assertSuccess().stdout().trim());
        assertFalse(Envelopes.sync(Api.given(corrald).get("/1.0")).get("config").has(key), "unset removes it");
    }

    @Test
    void configSetUnknownKeyFails() throws Exception {
        IncusCli.Result r = incus.run("config", "set", "foo.bar", "1");
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains("foo.bar"), r.toString());
    }

    @Test
    void monitorShowsLifecycleEvents() throws Exception {
        try (IncusCli.Background monitor = incus.start("monitor", "--type=lifecycle", "--format=json")) {
            // the monitor may not be subscribed yet when the first change happens: change until it reports one
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            int n = 0;
            while (!monitor.stdout().contains("config-updated") && System.nanoTime() < deadline) {
                incus.run("config", "set", key, Integer.toString(++n)).assertSuccess();
                if (!monitor.isAlive()) {
                    break;
                }
                Thread.sleep(500);
            }
            String out = monitor.awaitStdout(s -> s.contains("config-updated"), Duration.ofSeconds(5));
            assertTrue(out.contains("\"type\":\"lifecycle\""), out);
            assertTrue(monitor.isAlive(), "monitor keeps running: " + monitor.stderr());
        }
    }
}
