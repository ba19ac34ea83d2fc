package dev.corral.systests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;

/** The LXD 5.0 {@code lxc} CLI (Debian 12's lxd-client) against the daemon ({@code LXD_DIR}). */
class LxcCliTest {

    @RegisterExtension
    static final Corrald corrald = Corrald.create();

    private static IncusCli lxc;

    @BeforeAll
    static void cli() throws Exception {
        lxc = IncusCli.lxc(corrald);
    }

    @AfterAll
    static void closeCli() {
        if (lxc != null) {
            lxc.close();
        }
    }

    @Test
    void info() throws Exception {
        String out = lxc.run("info").assertSuccess().stdout();
        assertTrue(out.contains("api_version: \"1.0\""), out);
        assertTrue(out.contains("auth: trusted"), out);
    }

    @Test
    void queryServerInfo() throws Exception {
        JsonNode server = Json.parse(lxc.run("query", "/1.0").assertSuccess().stdout());
        assertEquals("1.0", server.get("api_version").asText());
        assertEquals("trusted", server.get("auth").asText());
    }

    @Test
    void operationAndProjectLists() throws Exception {
        lxc.run("operation", "list").assertSuccess();
        String projects = lxc.run("project", "list", "--format=csv").assertSuccess().stdout();
        assertTrue(projects.lines().anyMatch(l -> l.startsWith("default (current),")), projects);
    }
}
