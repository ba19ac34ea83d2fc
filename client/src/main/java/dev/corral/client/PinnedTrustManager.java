package dev.corral.client;

import java.net.Socket;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts exactly one server certificate, byte for byte, as the {@code incus} CLI does with the certificate it
 * accepted on {@code incus remote add}: Incus servers present self-signed certificates whose names rarely match
 * the address, so the pin replaces both chain building and host name checks.
 */
final class PinnedTrustManager extends X509ExtendedTrustManager {

    private final X509Certificate pinned;
    private final byte[] pinnedEncoded;

    PinnedTrustManager(X509Certificate pinned) {
        this.pinned = pinned;
        try {
            this.pinnedEncoded = pinned.getEncoded();
        } catch (CertificateEncodingException e) {
            throw new IllegalArgumentException("cannot encode the pinned certificate", e);
        }
    }

    private void check(X509Certificate[] chain) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("the server presented no certificate");
        }
        if (!Arrays.equals(chain[0].getEncoded(), pinnedEncoded)) {
            throw new CertificateException("the server certificate (" + chain[0].getSubjectX500Principal()
                    + ") is not the pinned one (" + pinned.getSubjectX500Principal() + ")");
        }
        chain[0].checkValidity();
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
        throw new CertificateException("a client trusts no clients");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        throw new CertificateException("a client trusts no clients");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        throw new CertificateException("a client trusts no clients");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[] {pinned};
    }
}
