package dev.corral.daemon.trust;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerCertificateTest {

    @Test
    void isMadeOnceAsIncusMakesItAndKeptPrivate(@TempDir Path dir) throws Exception {
        ServerCertificate first = ServerCertificate.loadOrCreate(dir);
        X509Certificate parsed = Fingerprints.parse(first.certificatePem());
        assertEquals(384, ((ECPublicKey) parsed.getPublicKey()).getParams().getCurve().getField().getFieldSize());
        assertEquals("SHA384withECDSA", parsed.getSigAlgName());
        assertTrue(parsed.getSubjectX500Principal().getName().contains("O=Linux Containers"));
        assertEquals(Fingerprints.of(parsed), first.fingerprint());
        assertEquals(64, first.fingerprint().length());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                dir.resolve("server.key"))));
        assertTrue(first.keyPem().startsWith("-----BEGIN PRIVATE KEY-----"));

        assertEquals(first, ServerCertificate.loadOrCreate(dir), "the pair is made once, then reused");
    }

    @Test
    void fingerprintsReadPemAndBareBase64Alike(@TempDir Path dir) throws Exception {
        ServerCertificate pair = ServerCertificate.loadOrCreate(dir);
        String base64 = pair.certificatePem().replaceAll("-----[A-Z ]+-----|\\s", "");
        assertEquals(pair.fingerprint(), Fingerprints.of(Fingerprints.parse(base64)));
    }
}
