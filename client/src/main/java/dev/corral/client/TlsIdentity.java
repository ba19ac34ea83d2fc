package dev.corral.client;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Objects;

/**
 * A client certificate and its private key, in PEM, as the {@code incus} CLI keeps them ({@code client.crt},
 * {@code client.key}). The key may be PKCS#8 ({@code PRIVATE KEY}), PKCS#1 ({@code RSA PRIVATE KEY}) or SEC1
 * ({@code EC PRIVATE KEY}, what Incus generates). The daemon must trust the certificate
 * ({@code incus config trust add-certificate client.crt}).
 *
 * @param certificatePem the certificate (chain), PEM
 * @param privateKeyPem the private key, PEM
 */
public record TlsIdentity(String certificatePem, String privateKeyPem) {

    public TlsIdentity {
        Objects.requireNonNull(certificatePem, "certificatePem");
        Objects.requireNonNull(privateKeyPem, "privateKeyPem");
        if (!certificatePem.contains("-----BEGIN CERTIFICATE-----")) {
            throw new IllegalArgumentException("certificatePem holds no PEM certificate");
        }
        if (!privateKeyPem.contains("PRIVATE KEY-----")) {
            throw new IllegalArgumentException("privateKeyPem holds no PEM private key");
        }
    }

    /** Reads {@code client.crt} and {@code client.key}. */
    public static TlsIdentity fromPemFiles(Path certificate, Path privateKey) throws IOException {
        return new TlsIdentity(Files.readString(certificate, StandardCharsets.US_ASCII),
                Files.readString(privateKey, StandardCharsets.US_ASCII));
    }

    /** The first certificate of {@link #certificatePem()}. */
    public X509Certificate certificate() {
        return parseCertificate(certificatePem);
    }

    /** Reads one PEM certificate, e.g. the server certificate to pin ({@code $INCUS_DIR/server.crt}). */
    public static X509Certificate readCertificate(Path pem) throws IOException {
        return parseCertificate(Files.readString(pem, StandardCharsets.US_ASCII));
    }

    /** Parses one PEM certificate. */
    public static X509Certificate parseCertificate(String pem) {
        try (InputStream in = new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII))) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (CertificateException | IOException e) {
            throw new IllegalArgumentException("not a PEM certificate: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "TlsIdentity[" + certificate().getSubjectX500Principal() + "]"; // never the key
    }
}
