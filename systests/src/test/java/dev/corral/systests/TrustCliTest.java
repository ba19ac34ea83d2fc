package dev.corral.systests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Remote access the way users set it up: {@code incus config trust add} on the local socket, {@code incus remote
 * add} with the token from a second client (its own {@code INCUS_CONF}), then that client drives Corral over TLS.
 */
class TrustCliTest {

    @RegisterExtension
    static final Corrald corrald = Corrald.create();

    private static IncusCli admin;
    private static String url;
    private final Containers containers = new Containers(corrald);

    @BeforeAll
    static void listen() throws Exception {
        corrald.assumeCorrald("configures the daemon's HTTPS listener");
        admin = IncusCli.incus(corrald);
        url = "127.0.0.1:" + TrustTest.freePort();
        admin.run("config", "set", "core.https_address", url).assertSuccess();
    }

    @AfterAll
    static void closeCli() {
        if (admin != null) {
            admin.close();
        }
    }

    @AfterEach
    void cleanup() {
        containers.cleanup();
    }

    @Test
    void aTokenLetsASecondClientListLaunchAndExecOverTls() throws Exception {
        String token = token("alice");
        try (IncusCli client = IncusCli.incus(corrald)) {
            client.run("remote", "add", "corral", token).assertSuccess();
            assertTrue(client.run("list", "corral:").assertSuccess().stdout().contains("| NAME "));

            String name = containers.name("remote");
            client.run("launch", "corral:" + Containers.IMAGE, "corral:" + name).assertSuccess();
            assertEquals("Running", containers.status(name));
            assertEquals("hello", client.run("exec", "corral:" + name, "--", "echo", "hello").assertSuccess()
                    .stdout().trim());
            assertTrue(client.run("list", "corral:", "-c", "ns", "-f", "csv").assertSuccess().stdout()
                    .contains(name + ",RUNNING"));
            client.run("delete", "--force", "corral:" + name).assertSuccess();
        }
        assertTrue(admin.run("config", "trust", "list", "-f", "csv").assertSuccess().stdout().contains("alice,client"));

        try (IncusCli late = IncusCli.incus(corrald)) {
            IncusCli.Result reused = late.run("remote", "add", "corral", token);
            assertNotEquals(0, reused.exitCode(), "a token is single-use: " + reused);
        }
    }

    @Test
    void aClientWithoutAValidTokenIsRefused() throws Exception {
        try (IncusCli stranger = IncusCli.incus(corrald)) {
            IncusCli.Result noToken = stranger.run("remote", "add", "x", "https://" + url, "--accept-certificate");
            assertNotEquals(0, noToken.exitCode(), noToken.toString());
            IncusCli.Result badToken = stranger.run("remote", "add", "y", "https://" + url, "--accept-certificate",
                    "--token", "bogus");
            assertNotEquals(0, badToken.exitCode(), badToken.toString());
            assertTrue(badToken.stderr().contains("not authorized"), badToken.toString());
            assertFalse(stranger.run("remote", "list", "-f", "csv").stdout().contains("y,"));
        }
    }

    @Test
    void aRevokedTokenNoLongerWorks() throws Exception {
        String token = token("bob");
        assertTrue(admin.run("config", "trust", "list-tokens", "-f", "csv").assertSuccess().stdout()
                .contains("bob,"));
        admin.run("config", "trust", "revoke-token", "bob").assertSuccess();
        assertFalse(admin.run("config", "trust", "list-tokens", "-f", "csv").assertSuccess().stdout()
                .contains("bob,"));
        try (IncusCli client = IncusCli.incus(corrald)) {
            IncusCli.Result refused = client.run("remote", "add", "corral", token);
            assertNotEquals(0, refused.exitCode(), refused.toString());
        }
        assertFalse(admin.run("config", "trust", "list", "-f", "csv").assertSuccess().stdout().contains("bob,"));
    }

    @Test
    void aRestrictedCertificateCannotSeeInstancesOutsideItsProjects() throws Exception {
        String name = containers.name("private");
        admin.run("init", Containers.IMAGE, name).assertSuccess();
        String token = token("carol", "--restricted");
        try (IncusCli client = IncusCli.incus(corrald)) {
            client.run("remote", "add", "corral", token).assertSuccess();
            IncusCli.Result list = client.run("list", "corral:");
            assertNotEquals(0, list.exitCode(), list.toString());
            assertTrue(list.stderr().contains("User does not have permission for project \"default\""),
                    list.toString());
            assertFalse(list.stdout().contains(name));
            IncusCli.Result info = client.run("info", "corral:" + name);
            assertNotEquals(0, info.exitCode(), info.toString());
            assertFalse(info.stdout().contains(name));
        }
    }

    @Test
    void theLxd50ClientRedeemsTokensToo() throws Exception {
        String token = token("dave");
        try (IncusCli lxc = IncusCli.lxc(corrald)) {
            lxc.run("remote", "add", "corral", token).assertSuccess();
            assertTrue(lxc.run("list", "corral:").assertSuccess().stdout().contains("| NAME "));
        }
    }

    /** Issues a token on the local socket; returns what the CLI prints for the new client. */
    private static String token(String name, String... flags) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("config", "trust", "add", name, "-q"));
        args.addAll(List.of(flags));
        List<String> lines = admin.run(args.toArray(String[]::new)).assertSuccess().stdout().strip().lines().toList();
        return lines.get(lines.size() - 1).strip();
    }
}
