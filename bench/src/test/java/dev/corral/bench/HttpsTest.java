package dev.corral.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.channels.ClosedByInterruptException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.spec.InvalidKeySpecException;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The load generator over TLS against an in-process TLS server: a test of the tool, not a benchmark. */
class HttpsTest {

    private static final Path CLIENT_CRT = TlsResponseServer.resource("client.crt");
    private static final Path CLIENT_KEY = TlsResponseServer.resource("client.key");

    private static String fingerprintOf(Path pem) throws Exception {
        return ClientTls.fingerprint(ClientTls.readCertificates(pem)[0]);
    }

    @Test
    void countedRunPresentsTheClientCertificateAndChecksThePin() throws Exception {
        try (TlsResponseServer server = new TlsResponseServer(false)) {
            BenchOptions o = BenchOptions.parse(new String[] {"--https", server.hostPort(), "--cert",
                    CLIENT_CRT.toString(), "--key", CLIENT_KEY.toString(), "--server-fingerprint",
                    fingerprintOf(TlsResponseServer.resource("server.crt")).toUpperCase(), "--concurrency", "3",
                    "--warmup", "0", "--requests", "300", "--max-time", "30"});
            LoadResult r = LoadRun.run(o, o.endpoint().connector());
            assertEquals(300, r.responses());
            assertEquals(0, r.errors(), () -> "first failure: " + r.firstFailure());
            assertEquals(300, server.answered());
            assertEquals(Set.of(fingerprintOf(CLIENT_CRT)), server.clientFingerprints());
        }
    }

    @Test
    void anotherServerCertificateThanThePinnedOneFails() throws Exception {
        try (TlsResponseServer server = new TlsResponseServer(false)) {
            BenchOptions o = BenchOptions.parse(new String[] {"--https", server.hostPort(), "--cert",
                    CLIENT_CRT.toString(), "--key", CLIENT_KEY.toString(), "--server-fingerprint", "ab".repeat(32),
                    // A count, not a duration: each refused handshake uses one, however slow the machine is.
                    "--concurrency", "1", "--warmup", "0", "--requests", "2", "--max-time", "60"});
            LoadResult r = LoadRun.run(o, o.endpoint().connector());
            assertEquals(0, r.responses());
            assertTrue(r.failures() > 0);
            assertNotNull(r.firstFailure());
            assertEquals(0, server.answered());
        }
    }

    @Test
    void interruptingAReaderClosesTheTlsConnection() throws Exception {
        try (TlsResponseServer server = new TlsResponseServer(true)) {
            Endpoint.Connector connector = Endpoint.Https.parse(server.hostPort(), CLIENT_CRT, CLIENT_KEY, null)
                    .connector();
            AtomicReference<Throwable> ended = new AtomicReference<>();
            Thread reader = new Thread(() -> {
                try (HttpConnection c = connector.open()) {
                    c.exchange(HttpRequest.of("GET", "/1.0", null));
                } catch (Exception e) {
                    ended.set(e);
                }
            });
            reader.start();
            Thread.sleep(300);
            assertTrue(reader.isAlive(), "the silent server should keep the reader waiting");
            reader.interrupt();
            reader.join(5_000);
            assertFalse(reader.isAlive(), "the interrupted reader is still blocked");
            assertTrue(ended.get() instanceof ClosedByInterruptException, () -> "ended with " + ended.get());
        }
    }

    @Test
    void aTraditionalEcKeyIsRefusedWithTheConversionCommand(@TempDir Path dir) throws Exception {
        Path sec1 = dir.resolve("sec1.key");
        Files.writeString(sec1, "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n");
        InvalidKeySpecException e = assertThrows(InvalidKeySpecException.class, () -> ClientTls.readPrivateKey(sec1));
        assertTrue(e.getMessage().contains("openssl pkcs8 -topk8 -nocrypt"), e.getMessage());
        assertEquals("EC", ClientTls.readPrivateKey(CLIENT_KEY).getAlgorithm());
    }
}
