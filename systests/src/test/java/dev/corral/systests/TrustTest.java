package dev.corral.systests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.restassured.response.Response;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The HTTPS listener and the trust model through REST: who gets in with which certificate, trust tokens (issued,
 * redeemed once, revoked, expired), restricted certificates, and the errors each refusal gets.
 */
class TrustTest {

    @RegisterExtension
    static final Corrald corrald = Corrald.create();

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static int port;

    @BeforeAll
    static void listen() throws IOException {
        corrald.assumeCorrald("configures the daemon's HTTPS listener");
        port = freePort();
        setConfig("core.https_address", "127.0.0.1:" + port);
    }

    @Test
    void anUntrustedClientSeesOnlyThePublicServerInformation() {
        for (SSLContext tls : List.of(TlsIdentity.anonymous(), TlsIdentity.generate("stranger").sslContext())) {
            JsonNode server = Envelopes.sync(Api.tls(port, tls).get("/1.0"));
            assertEquals("untrusted", server.get("auth").asText());
            assertEquals(0, server.get("config").size());
            assertFalse(server.has("environment"), "no environment for untrusted clients");
            Envelopes.sync(Api.tls(port, tls).get("/"));
            for (String path : List.of("/1.0/instances", "/1.0/certificates", "/1.0/images", "/1.0/operations",
                    "/1.0/storage-pools", "/1.0/profiles/default", "/1.0/projects")) {
                assertEquals("not authorized", Envelopes.error(Api.tls(port, tls).get(path), 403), path);
            }
            assertEquals("not authorized", Envelopes.error(Api.tls(port, tls)
                    .body("{\"config\":{\"user.x\":\"1\"}}").patch("/1.0"), 403));
            assertEquals("not authorized", Envelopes.error(Api.tls(port, tls)
                    .body("{\"name\":\"x\",\"source\":{\"type\":\"none\"}}").post("/1.0/instances"), 403));
            assertEquals("not authorized", Envelopes.error(Api.tls(port, tls).body("{}").post("/1.0/certificates"),
                    403), "no token");
            assertEquals("not authorized", Envelopes.error(Api.tls(port, tls)
                    .body("{\"token\":true,\"type\":\"client\"}").post("/1.0/certificates"), 403));
        }
    }

    @Test
    void theServerAdvertisesItsAddressAndTheCertificateItPresents() throws Exception {
        JsonNode environment = Envelopes.sync(Api.given(corrald).get("/1.0")).get("environment");
        assertEquals(List.of("127.0.0.1:" + port), Json.strings(environment.get("addresses")));
        String fingerprint = environment.get("certificate_fingerprint").asText();
        assertEquals(fingerprint, sha256(pemBody(environment.get("certificate").asText())));
        assertEquals(fingerprint, presentedFingerprint(TlsIdentity.anonymous()));
    }

    @Test
    void aTrustedCertificateIsLetInUntilItIsRemoved() {
        TlsIdentity client = TlsIdentity.generate("admin-client");
        Response added = Api.given(corrald).body(Map.of("name", "admin-client", "type", "client",
                "certificate", client.pem())).post("/1.0/certificates");
        assertEquals(201, added.statusCode(), added::asString);
        String url = "/1.0/certificates/" + client.fingerprint();
        assertEquals(url, added.header("Location"));

        JsonNode server = Envelopes.sync(Api.tls(port, client.sslContext()).get("/1.0"));
        assertEquals("trusted", server.get("auth").asText());
        assertEquals("tls", server.get("auth_user_method").asText());
        assertEquals(client.fingerprint(), server.get("auth_user_name").asText());
        Envelopes.sync(Api.tls(port, client.sslContext()).get("/1.0/instances"));
        JsonNode stored = Envelopes.sync(Api.tls(port, client.sslContext()).get(url));
        assertEquals("admin-client", stored.get("name").asText());
        assertFalse(stored.get("restricted").asBoolean());
        assertEquals("Client is already trusted", Envelopes.error(Api.tls(port, client.sslContext()).body("{}")
                .post("/1.0/certificates"), 400));

        Envelopes.sync(Api.given(corrald).body(Map.of("description", "patched")).patch(url));
        assertEquals("patched", Envelopes.sync(Api.given(corrald).get(url)).get("description").asText());

        Envelopes.sync(Api.given(corrald).delete(url));
        assertEquals("not authorized", Envelopes.error(Api.tls(port, client.sslContext()).get("/1.0/instances"), 403));
        assertEquals("Certificate not found", Envelopes.error(Api.given(corrald).get(url), 404));
    }

    @Test
    void certificateChangesAreLifecycleEventsNamingWhoMadeThem() throws Exception {
        try (Events events = Events.connect(corrald, "type=lifecycle")) {
            TlsIdentity client = addCertificate("watched", false, List.of());
            String source = "/1.0/certificates/" + client.fingerprint();
            JsonNode created = events.await(e -> source.equals(e.at("/metadata/source").asText()), WAIT);
            assertEquals("certificate-created", created.at("/metadata/action").asText());
            assertEquals("unix", created.at("/metadata/requestor/protocol").asText());

            // Removed by itself over TLS: the requestor is the certificate, by fingerprint.
            Envelopes.sync(Api.tls(port, client.sslContext()).delete(source));
            JsonNode deleted = events.await(e -> "certificate-deleted".equals(e.at("/metadata/action").asText()),
                    WAIT);
            assertEquals("tls", deleted.at("/metadata/requestor/protocol").asText());
            assertEquals(client.fingerprint(), deleted.at("/metadata/requestor/username").asText());
            assertTrue(deleted.at("/metadata/requestor/address").asText().startsWith("127.0.0.1:"));
        }
    }

    @Test
    void aTokenTrustsTheFirstClientThatRedeemsItAndNoOther() {
        JsonNode operation = issueToken("token-client", false, List.of());
        assertEquals("token", operation.get("class").asText());
        assertEquals("Running", operation.get("status").asText());
        String token = token(operation);

        TlsIdentity first = TlsIdentity.generate("first");
        Response redeemed = Api.tls(port, first.sslContext()).body(Map.of("trust_token", token))
                .post("/1.0/certificates");
        assertEquals(201, redeemed.statusCode(), redeemed::asString);
        assertEquals("trusted", Envelopes.sync(Api.tls(port, first.sslContext()).get("/1.0")).get("auth").asText());
        JsonNode stored = Envelopes.sync(Api.given(corrald).get("/1.0/certificates/" + first.fingerprint()));
        assertEquals("token-client", stored.get("name").asText(), "the token decides the name");

        TlsIdentity second = TlsIdentity.generate("second");
        String reused = Envelopes.error(Api.tls(port, second.sslContext()).body(Map.of("trust_token", token))
                .post("/1.0/certificates"), 403);
        assertEquals("No matching certificate add operation found", reused);
        assertEquals("untrusted",
                Envelopes.sync(Api.tls(port, second.sslContext()).get("/1.0")).get("auth").asText());
        assertEquals("Cancelled", Envelopes.sync(Api.given(corrald)
                .get("/1.0/operations/" + operation.get("id").asText())).get("status").asText());
    }

    @Test
    void revokedExpiredAndForgedTokensAreRefused() throws Exception {
        TlsIdentity client = TlsIdentity.generate("hopeful");
        JsonNode revoked = issueToken("revoked", false, List.of());
        Envelopes.sync(Api.given(corrald).delete("/1.0/operations/" + revoked.get("id").asText()));
        assertEquals("No matching certificate add operation found", redeem(client, token(revoked)));

        setConfig("core.remote_token_expiry", "1S");
        try {
            JsonNode expiring = issueToken("expiring", false, List.of());
            assertTrue(expiring.get("metadata").has("expiresAt"));
            Thread.sleep(1500);
            assertEquals("Token has expired", redeem(client, token(expiring)));
        } finally {
            setConfig("core.remote_token_expiry", "");
        }

        String forged = Base64.getEncoder().encodeToString(("{\"secret\":\"" + "ab".repeat(32) + "\"}")
                .getBytes(StandardCharsets.UTF_8));
        assertEquals("No matching certificate add operation found", redeem(client, forged));
        assertEquals("not authorized", redeem(client, "not base64 at all!"));
        assertEquals("not authorized", redeem(client, Base64.getEncoder().encodeToString("[1,2".getBytes())));
        assertEquals("untrusted", Envelopes.sync(Api.tls(port, client.sslContext()).get("/1.0")).get("auth").asText());
    }

    @Test
    void aRestrictedCertificateStaysInsideItsProjects() {
        TlsIdentity none = addCertificate("no-projects", true, List.of());
        TlsIdentity ours = addCertificate("default-only", true, List.of("default"));

        assertEquals("User does not have permission for project \"default\"",
                Envelopes.error(Api.tls(port, none.sslContext()).get("/1.0/instances"), 403));
        assertEquals(0, Envelopes.sync(Api.tls(port, none.sslContext()).get("/1.0/projects")).size());
        Envelopes.sync(Api.tls(port, none.sslContext()).get("/1.0/images"));
        Envelopes.sync(Api.tls(port, none.sslContext()).get("/1.0/profiles/default"));
        assertEquals("User does not have permission for project \"default\"", Envelopes.error(
                Api.tls(port, none.sslContext()).body(Map.of("name", "p1")).post("/1.0/profiles"), 403));

        Envelopes.sync(Api.tls(port, ours.sslContext()).get("/1.0/instances"));
        assertEquals(List.of("/1.0/projects/default"),
                Json.strings(Envelopes.sync(Api.tls(port, ours.sslContext()).get("/1.0/projects"))));
        assertEquals("User does not have permission for project \"other\"",
                Envelopes.error(Api.tls(port, ours.sslContext()).get("/1.0/instances?project=other"), 403));
        assertEquals("Certificate is restricted",
                Envelopes.error(Api.tls(port, ours.sslContext()).get("/1.0/instances?all-projects=true"), 403));
        assertEquals("Certificate is restricted", Envelopes.error(Api.tls(port, ours.sslContext())
                .body("{\"config\":{\"user.x\":\"1\"}}").patch("/1.0"), 403));
        assertEquals("Certificate is restricted", Envelopes.error(Api.tls(port, ours.sslContext())
                .delete("/1.0/certificates/" + none.fingerprint()), 403));
        JsonNode server = Envelopes.sync(Api.tls(port, ours.sslContext()).get("/1.0"));
        assertEquals(0, server.get("config").size(), "the server configuration is for administrators");
    }

    @Test
    void aRestrictedCertificateNeverSeesTrustTokens() throws Exception {
        TlsIdentity ours = addCertificate("default-reader", true, List.of("default"));
        try (Events events = Events.connect(corrald, "type=operation")) {
            JsonNode token = issueToken("secret-holder", false, List.of());
            String id = token.get("id").asText();
            events.await(e -> id.equals(e.at("/metadata/id").asText()), WAIT);
            String listed = Api.tls(port, ours.sslContext()).get("/1.0/operations?recursion=1").asString();
            assertFalse(listed.contains(id) || listed.contains(token.at("/metadata/secret").asText()), listed);
            assertEquals("Operation not found",
                    Envelopes.error(Api.tls(port, ours.sslContext()).get("/1.0/operations/" + id), 404));
            assertEquals("Operation not found",
                    Envelopes.error(Api.tls(port, ours.sslContext()).delete("/1.0/operations/" + id), 404));
            assertTrue(Api.given(corrald).get("/1.0/operations?recursion=1").asString().contains(id),
                    "administrators see tokens");
            Envelopes.sync(Api.given(corrald).delete("/1.0/operations/" + id));
        }
    }

    @Test
    void badCertificatesAndRequestsGetClearErrors() {
        assertEquals("The provided certificate is expired", Envelopes.error(Api.given(corrald).body(Map.of(
                "type", "client", "certificate", TlsIdentity.expired("old").pem())).post("/1.0/certificates"), 400));
        assertTrue(Envelopes.error(Api.given(corrald).body(Map.of("type", "client", "certificate", "bogus!"))
                .post("/1.0/certificates"), 400).startsWith("Invalid certificate material"));
        TlsIdentity twice = addCertificate("twice", false, List.of());
        assertEquals("Certificate already in trust store", Envelopes.error(Api.given(corrald).body(Map.of(
                "type", "client", "certificate", twice.pem())).post("/1.0/certificates"), 409));
        assertEquals("Client is already trusted", Envelopes.error(Api.given(corrald)
                .body(Map.of("type", "client")).post("/1.0/certificates?public"), 400));
        assertEquals("Tokens can only be issued for client certificates", Envelopes.error(Api.given(corrald)
                .body(Map.of("type", "metrics", "token", true)).post("/1.0/certificates"), 400));
        assertEquals("Project \"nope\" not found", Envelopes.error(Api.given(corrald).body(Map.of(
                "type", "client", "token", true, "restricted", true, "projects", List.of("nope")))
                .post("/1.0/certificates"), 404));
        assertEquals("Unknown field \"colour\"", Envelopes.error(Api.given(corrald)
                .body(Map.of("colour", "red")).post("/1.0/certificates"), 400));
    }

    @Test
    void onlyTls13IsSpoken() throws Exception {
        SSLContext old = SSLContext.getInstance("TLSv1.2");
        old.init(null, null, null);
        try (SSLSocket socket = (SSLSocket) old.getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.setEnabledProtocols(new String[] {"TLSv1.2"});
            socket.setSoTimeout(10_000);
            assertThrows(SSLException.class, socket::startHandshake);
        }
    }

    @Test
    void theListenerFollowsTheConfiguration() throws Exception {
        assertTrue(Envelopes.error(Api.given(corrald).body("{\"config\":{\"core.https_address\":\"127.0.0.1:99999\"}}")
                .patch("/1.0"), 400).contains("core.https_address"));
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            String error = Envelopes.error(Api.given(corrald).body("{\"config\":{\"core.https_address\":\"127.0.0.1:"
                    + taken.getLocalPort() + "\"}}").patch("/1.0"), 400);
            assertTrue(error.startsWith("Cannot listen on https socket"), error);
        }
        assertEquals("127.0.0.1:" + port, Envelopes.sync(Api.given(corrald).get("/1.0")).get("config")
                .get("core.https_address").asText(), "a refused address changes nothing");

        int other = freePort();
        setConfig("core.https_address", "127.0.0.1:" + other);
        try {
            Envelopes.sync(Api.tls(other, TlsIdentity.anonymous()).get("/1.0"));
            assertThrows(ConnectException.class, () -> new java.net.Socket("127.0.0.1", port).close());
        } finally {
            setConfig("core.https_address", "127.0.0.1:" + port);
        }
    }

    private static TlsIdentity addCertificate(String name, boolean restricted, List<String> projects) {
        TlsIdentity identity = TlsIdentity.generate(name);
        Response added = Api.given(corrald).body(Map.of("name", name, "type", "client", "restricted", restricted,
                "projects", projects, "certificate", identity.pem())).post("/1.0/certificates");
        assertEquals(201, added.statusCode(), added::asString);
        return identity;
    }

    private static JsonNode issueToken(String name, boolean restricted, List<String> projects) {
        return Envelopes.async(Api.given(corrald).body(Map.of("name", name, "type", "client", "token", true,
                "restricted", restricted, "projects", projects)).post("/1.0/certificates"));
    }

    /** The token the {@code incus} CLI would print for a token operation. */
    private static String token(JsonNode operation) {
        JsonNode metadata = operation.get("metadata");
        String json = Json.write(Map.of("client_name", metadata.get("request").get("name").asText(),
                "fingerprint", metadata.get("fingerprint").asText(),
                "addresses", Json.strings(metadata.get("addresses")),
                "secret", metadata.get("secret").asText(),
                "expires_at", "0001-01-01T00:00:00Z"));
        return Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static String redeem(TlsIdentity client, String token) {
        return Envelopes.error(Api.tls(port, client.sslContext()).body(Map.of("trust_token", token))
                .post("/1.0/certificates"), 403);
    }

    private static void setConfig(String key, String value) {
        Envelopes.sync(Api.given(corrald).body(Map.of("config", Map.of(key, value))).patch("/1.0"));
    }

    private static String presentedFingerprint(SSLContext tls) throws Exception {
        try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.startHandshake();
            return sha256(((X509Certificate) socket.getSession().getPeerCertificates()[0]).getEncoded());
        }
    }

    private static byte[] pemBody(String pem) {
        return Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
    }

    private static String sha256(byte[] der) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(der));
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        }
    }
}
