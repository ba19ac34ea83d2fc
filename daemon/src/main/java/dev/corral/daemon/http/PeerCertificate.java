package dev.corral.daemon.http;

import io.vertx.core.http.HttpServerRequest;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLPeerUnverifiedException;

/** The certificate a TLS client presented, if any (the listener requests one but does not require it). */
public final class PeerCertificate {

    private PeerCertificate() {
    }

    /** The client's own (leaf) certificate, or null on a plain connection or when it sent none. */
    public static X509Certificate of(HttpServerRequest request) {
        if (!request.isSSL()) {
            return null;
        }
        try {
            List<Certificate> chain = request.connection().peerCertificates();
            return chain == null || chain.isEmpty() || !(chain.get(0) instanceof X509Certificate leaf) ? null : leaf;
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
    }
}
