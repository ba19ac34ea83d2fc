package dev.corral.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The client side of TLS for the benchmark: TLS 1.3, one client certificate read from PEM files, and the server's
 * certificate accepted as it is (these daemons present self-signed ones) or only when its SHA-256 fingerprint is
 * the one given.
 */
final class ClientTls {

    static final String PROTOCOL = "TLSv1.3";
    private static final String ALIAS = "client";
    /** The key algorithms a PKCS#8 key may have; the encoding itself does not say which one to ask the JDK for. */
    private static final List<String> KEY_ALGORITHMS = List.of("EC", "RSA", "Ed25519", "Ed448");

    private ClientTls() {
    }

    /**
     * A socket factory presenting {@code cert} (PEM, the leaf first) with {@code key} (PEM "PRIVATE KEY").
     *
     * @param serverFingerprint SHA-256 of the server's certificate in hex (colons and case ignored), or null to
     *                          accept any server certificate
     */
    static SSLSocketFactory socketFactory(Path cert, Path key, String serverFingerprint)
            throws IOException, GeneralSecurityException {
        X509Certificate[] chain = readCertificates(cert);
        PrivateKey privateKey = readPrivateKey(key);
        if (!privateKey.getAlgorithm().equals(chain[0].getPublicKey().getAlgorithm())) {
            throw new GeneralSecurityException(key + " is an " + privateKey.getAlgorithm() + " key but " + cert
                    + " holds an " + chain[0].getPublicKey().getAlgorithm() + " public key");
        }
        SSLContext context = SSLContext.getInstance(PROTOCOL);
        String pinned = serverFingerprint == null ? null : normaliseFingerprint(serverFingerprint);
        context.init(new KeyManager[] {new OneKey(privateKey, chain)}, new TrustManager[] {new ServerCheck(pinned)},
                null);
        return context.getSocketFactory();
    }

    /** The certificates of a PEM file, in file order. */
    static X509Certificate[] readCertificates(Path file) throws IOException, CertificateException {
        try (InputStream in = Files.newInputStream(file)) {
            List<X509Certificate> certs = new ArrayList<>();
            CertificateFactory.getInstance("X.509").generateCertificates(in)
                    .forEach(c -> certs.add((X509Certificate) c));
            if (certs.isEmpty()) {
                throw new CertificateException("no certificate in " + file);
            }
            return certs.toArray(new X509Certificate[0]);
        }
    }

    /** The PKCS#8 private key of a PEM file ("BEGIN PRIVATE KEY"), whatever its algorithm. */
    static PrivateKey readPrivateKey(Path file) throws IOException, GeneralSecurityException {
        String pem = Files.readString(file, StandardCharsets.US_ASCII);
        String begin = "-----BEGIN PRIVATE KEY-----";
        int start = pem.indexOf(begin);
        int end = pem.indexOf("-----END PRIVATE KEY-----");
        if (start < 0 || end < start) {
            String what = pem.contains("-----BEGIN EC PRIVATE KEY-----") || pem.contains("-----BEGIN RSA PRIVATE KEY")
                    ? "a traditional (SEC1/PKCS#1) key" : "no \"" + begin + "\" block";
            throw new InvalidKeySpecException(file + " holds " + what + "; convert it with "
                    + "`openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8`");
        }
        byte[] der = Base64.getMimeDecoder().decode(pem.substring(start + begin.length(), end));
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (InvalidKeySpecException e) {
                // Not this algorithm: try the next one.
            }
        }
        throw new InvalidKeySpecException(file + ": not a key of any of " + KEY_ALGORITHMS);
    }

    /** SHA-256 of the certificate's DER encoding, lower-case hex without separators (as Incus writes it). */
    static String fingerprint(X509Certificate certificate) throws CertificateException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** Lower-case hex without colons; an {@link IllegalArgumentException} unless it is 64 hex digits. */
    static String normaliseFingerprint(String fingerprint) {
        String hex = fingerprint.replace(":", "").toLowerCase(Locale.ROOT);
        if (!hex.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("not a SHA-256 fingerprint in hex: " + fingerprint);
        }
        return hex;
    }

    /**
     * Presents the one key whatever certificate authorities the server names: a self-signed client certificate
     * is issued by none of them, and the daemons decide trust per request, from the fingerprint.
     */
    private static final class OneKey extends X509ExtendedKeyManager {
        private final PrivateKey key;
        private final X509Certificate[] chain;

        OneKey(PrivateKey key, X509Certificate[] chain) {
            this.key = key;
            this.chain = chain.clone();
        }

        private String alias(String[] keyTypes) {
            for (String type : keyTypes) {
                if (type.equals(key.getAlgorithm())) {
                    return ALIAS;
                }
            }
            return null;
        }

        @Override
        public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
            return alias(keyTypes);
        }

        @Override
        public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
            return alias(keyTypes);
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return alias(new String[] {keyType}) == null ? new String[0] : new String[] {ALIAS};
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return null;
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return new String[0];
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return ALIAS.equals(alias) ? chain.clone() : null;
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return ALIAS.equals(alias) ? key : null;
        }
    }

    /** Accepts the server's certificate, or only the one with the pinned fingerprint. Client-side only. */
    private static final class ServerCheck extends X509ExtendedTrustManager {
        private final String pinned;

        ServerCheck(String pinned) {
            this.pinned = pinned;
        }

        private void check(X509Certificate[] chain) throws CertificateException {
            if (chain == null || chain.length == 0) {
                throw new CertificateException("the server presented no certificate");
            }
            if (pinned != null && !pinned.equals(fingerprint(chain[0]))) {
                throw new CertificateException("server certificate fingerprint " + fingerprint(chain[0])
                        + " is not the expected " + pinned);
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            check(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            check(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            check(chain);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("client-side trust manager");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            throw new CertificateException("client-side trust manager");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            throw new CertificateException("client-side trust manager");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
