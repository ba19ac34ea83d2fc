package dev.corral.client;

import static dev.corral.client.Await.done;
import static dev.corral.client.Await.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SDK against corrald's HTTPS listener, as a remote user would use it: the client certificate is trusted
 * through the local socket, the server certificate is pinned from what {@code GET /1.0} says, and then the whole
 * exec and files contract (websockets and SFTP over TLS) runs remotely.
 */
class CorraldTlsTest extends RunningInstanceContract {

    @RegisterExtension
    static final CorraldProcess CORRALD = new CorraldProcess();

    static final String NAME = "sdk-tls";
    static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    static Path dir;
    static Corral local;
    static Corral remote;
    static URI uri;
    static TlsIdentity identity;
    static X509Certificate serverCertificate;

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "openssl is not installed");
        TlsTest.openssl(dir, "ecparam", "-name", "secp384r1", "-genkey", "-noout", "-out", "client.key");
        TlsTest.selfSigned(dir, "client", "sdk-remote");
        identity = TlsIdentity.fromPemFiles(dir.resolve("client.crt"), dir.resolve("client.key"));

        local = Corral.connectUnix(CORRALD.socket());
        int port = freePort();
        done(local.raw().query("PATCH", "/1.0", Map.of("config", Map.of("core.https_address", "127.0.0.1:" + port))));
        done(local.raw().query("POST", "/1.0/certificates", Map.of("name", "sdk", "type", "client",
                "certificate", identity.certificatePem())));
        JsonNode environment = done(local.raw().query("GET", "/1.0", null)).get("environment");
        uri = URI.create("https://127.0.0.1:" + port);
        serverCertificate = TlsIdentity.parseCertificate(environment.get("certificate").asText());
        remote = Corral.connectTls(uri, identity, serverCertificate);
        done(remote.instances().createAndWait(CreateInstance.fromImage("busybox").withName(NAME).withStart(true),
                WAIT));
    }

    @AfterAll
    static void stop() {
        try {
            if (remote != null) {
                done(remote.instances().stopAndWait(NAME, true, WAIT));
                done(remote.instances().deleteAndWait(NAME, WAIT));
            }
        } finally {
            if (remote != null) {
                remote.close();
            }
            if (local != null) {
                local.close();
            }
        }
    }

    @Override
    Corral client() {
        return remote;
    }

    @Override
    String instance() {
        return NAME;
    }

    @Test
    void theRemoteClientIsTrustedByItsCertificate() {
        JsonNode server = done(remote.raw().query("GET", "/1.0", null));
        assertEquals("trusted", server.get("auth").asText());
        assertEquals("tls", server.get("auth_user_method").asText());
        assertEquals(TlsTest.fingerprint(identity.certificate()), server.get("auth_user_name").asText());
    }

    @Test
    void aServerWithAnotherCertificateIsRefused() throws Exception {
        TlsTest.openssl(dir, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384", "-out",
                "other.key");
        TlsTest.selfSigned(dir, "other", "impostor");
        try (Corral pinnedElsewhere = Corral.connectTls(uri, identity,
                TlsIdentity.readCertificate(dir.resolve("other.crt")))) {
            CorralException refused = failure(pinnedElsewhere.raw().query("GET", "/1.0", null));
            assertEquals(CorralException.Kind.CONNECTION, refused.kind(), refused::toString);
        }
    }

    @Test
    void anUntrustedCertificateSeesOnlyPublicEndpoints() throws Exception {
        TlsTest.openssl(dir, "ecparam", "-name", "secp384r1", "-genkey", "-noout", "-out", "stranger.key");
        TlsTest.selfSigned(dir, "stranger", "stranger");
        try (Corral stranger = Corral.connectTls(uri, TlsIdentity.fromPemFiles(dir.resolve("stranger.crt"),
                dir.resolve("stranger.key")), serverCertificate)) {
            assertEquals("untrusted", done(stranger.raw().query("GET", "/1.0", null)).get("auth").asText());
            CorralException refused = failure(stranger.instances().list());
            assertEquals(403, refused.errorCode(), refused::toString);
        }
    }

    static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        }
    }
}
