package dev.corral.daemon.http;

import java.security.cert.X509Certificate;

/** Tells who a TLS client is from its certificate (the trust store implements it). */
@FunctionalInterface
public interface TlsClients {

    /** @param certificate the client's certificate, or null when it sent none */
    Caller identify(X509Certificate certificate, String address);
}
