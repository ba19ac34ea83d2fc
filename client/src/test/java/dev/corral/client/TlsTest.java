package dev.corral.client;

import static dev.corral.client.Await.done;
import static dev.corral.client.Await.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corral.api.Event;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.TrustOptions;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link Corral#connectTls} against a TLS server of our own that authenticates clients the way Incus does: any
 * client certificate is accepted by the handshake, and the request is "trusted" when its fingerprint is in the trust
 * store, "untrusted" (public endpoints only) otherwise. Certificates are made with {@code openssl} (skipped without
 * it). {@link CorraldTlsTest} does the same against corrald's own listener.
 */
class TlsTest {

    @TempDir
    static Path dir;
    static MockDaemon daemon;
    static Path serverCert;
    static Path otherCert;
    static Path clientCert;
    static Path clientKey;
    static String trustedFingerprint;

    static void openssl(String... args) throws Exception {
        openssl(dir, args);
    }

    /** Runs openssl in {@code workDir}. */
    static void openssl(Path workDir, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError("openssl " + String.join(" ", args) + ": " + out);
        }
    }

    /** A self-signed certificate for the key {@code <name>.key}. */
    static void selfSigned(String name, String cn) throws Exception {
        selfSigned(dir, name, cn);
    }

    static void selfSigned(Path workDir, String name, String cn) throws Exception {
        openssl(workDir, "req", "-x509", "-new", "-key", name + ".key", "-out", name + ".crt", "-days", "2", "-subj",
                "/CN=" + cn);
    }

    @BeforeAll
    static void certificatesAndServer() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "openssl is not installed");
        // Incus's own choice: ECDSA P-384; the client key in SEC1 form ("EC PRIVATE KEY"), as Incus writes it.
        openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384", "-out", "server.key");
        selfSigned("server", "corral-test-server");
        openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384", "-out", "other.key");
        selfSigned("other", "corral-test-server");
        openssl("ecparam", "-name", "secp384r1", "-genkey", "-noout", "-out", "client.key");
        selfSigned("client", "sdk-client");
        serverCert = dir.resolve("server.crt");
        otherCert = dir.resolve("other.crt");
        clientCert = dir.resolve("client.crt");
        clientKey = dir.resolve("client.key");
        assertTrue(Files.readString(clientKey).contains("BEGIN EC PRIVATE KEY"));
        trustedFingerprint = fingerprint(TlsIdentity.readCertificate(clientCert));

        HttpServerOptions options = new HttpServerOptions().setSsl(true)
                .setKeyCertOptions(new PemKeyCertOptions().setCertPath(serverCert.toString())
                        .setKeyPath(dir.resolve("server.key").toString()))
                .setClientAuth(ClientAuth.REQUEST)
                .setTrustOptions(TrustOptions.wrap(new AnyClient()));
        daemon = MockDaemon.tcp(options);
        daemon.on("GET /1.0", r -> MockDaemon.sync(r, Map.of("api_version", "1.0",
                "auth", trusted(r) ? "trusted" : "untrusted", "auth_methods", List.of("tls"))));
        daemon.on("GET /1.0/instances", r -> {
            if (trusted(r)) {
                MockDaemon.sync(r, List.of("/1.0/instances/c1"));
            } else {
                MockDaemon.error(r, 403, "not authorized");
            }
        });
        daemon.on("GET /1.0/events", r -> r.toWebSocket().onSuccess(ws -> ws.writeTextMessage(MockDaemon.json(Map.of(
                "type", "lifecycle", "timestamp", "t", "metadata", Map.of("action", "instance-started",
                        "source", "/1.0/instances/c1"))))));
    }

    @AfterAll
    static void stop() throws Exception {
        if (daemon != null) {
            daemon.close();
        }
    }

    /** As Incus: trusted when the client certificate's fingerprint is in the trust store. */
    static boolean trusted(HttpServerRequest request) {
        try {
            Certificate[] chain = request.connection().sslSession().getPeerCertificates();
            return chain.length > 0 && trustedFingerprint.equals(fingerprint((X509Certificate) chain[0]));
        } catch (SSLPeerUnverifiedException noCertificate) {
            return false;
        }
    }

    static String fingerprint(X509Certificate certificate) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** The handshake accepts every client certificate; the application decides (see {@link #trusted}). */
    static final class AnyClient implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            throw new UnsupportedOperationException("a server");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }

    URI uri() {
        return URI.create("https://127.0.0.1:" + daemon.port());
    }

    @Test
    void trustedWithItsCertificateAndThePinnedServer() throws Exception {
        try (Corral client = Corral.connectTls(uri(), TlsIdentity.fromPemFiles(clientCert, clientKey),
                TlsIdentity.readCertificate(serverCert))) {
            assertEquals("https://127.0.0.1:" + daemon.port(), client.address());
            assertEquals("trusted", done(client.server().get()).auth());
            assertEquals(List.of("c1"), done(client.instances().names()));

            // websockets take the same TLS connection path
            BlockingQueue<Event> events = new LinkedBlockingQueue<>();
            Subscription s = done(client.events().subscribe(Set.of(EventType.LIFECYCLE), events::add));
            Event event = events.poll(10, TimeUnit.SECONDS);
            assertEquals("instance-started", EventMetadata.lifecycle(event).orElseThrow().action());
            s.close();
        }
    }

    @Test
    void anotherServerCertificateIsRefused() throws Exception {
        try (Corral client = Corral.connectTls(uri(), TlsIdentity.fromPemFiles(clientCert, clientKey),
                TlsIdentity.readCertificate(otherCert))) {
            CorralException e = failure(client.server().get());
            assertEquals(CorralException.Kind.CONNECTION, e.kind());
            assertTrue(e.getMessage().contains("TLS") || e.getMessage().contains("certificate"), e::getMessage);
        }
    }

    @Test
    void withoutAPinTheSelfSignedServerIsNotTrusted() throws Exception {
        try (Corral client = Corral.connectTls(uri(), TlsIdentity.fromPemFiles(clientCert, clientKey), null)) {
            assertEquals(CorralException.Kind.CONNECTION, failure(client.server().get()).kind());
        }
    }

    @Test
    void withoutAClientCertificateOnlyPublicEndpointsAnswer() {
        try (Corral client = Corral.connectTls(uri(), null, TlsIdentity.readCertificate(serverCert))) {
            assertEquals("untrusted", done(client.server().get()).auth());
            CorralException e = failure(client.instances().names());
            assertEquals(403, e.errorCode());
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    /** The key formats clients meet: PKCS#8 and SEC1 EC keys, PKCS#1 and PKCS#8 RSA keys. */
    @ParameterizedTest
    @ValueSource(strings = {"ec-pkcs8", "rsa-pkcs1", "rsa-pkcs8"})
    void clientKeyFormats(String format) throws Exception {
        String name = "client-" + format;
        switch (format) {
            case "ec-pkcs8" -> openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
                    "-out", name + ".key");
            case "rsa-pkcs1" -> openssl("genrsa", "-traditional", "-out", name + ".key", "2048");
            default -> openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out",
                    name + ".key");
        }
        selfSigned(name, name);
        TlsIdentity identity = TlsIdentity.fromPemFiles(dir.resolve(name + ".crt"), dir.resolve(name + ".key"));
        try (Corral client = Corral.connectTls(uri(), identity, TlsIdentity.readCertificate(serverCert))) {
            // not in the trust store, but the handshake (and so the key) worked
            assertEquals("untrusted", done(client.server().get()).auth());
        }
    }
}
