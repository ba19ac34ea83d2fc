package dev.corral.daemon.http;

/** Who may call a route. Every route declares one; the router refuses routes without. */
public enum Access {
    /** Anyone, trusted or not ({@code GET /}, {@code GET /1.0}). */
    PUBLIC,
    /** Trusted clients only: the local unix socket, or a TLS client whose certificate is trusted. */
    TRUSTED
}
