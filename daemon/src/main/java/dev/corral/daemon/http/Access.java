package dev.corral.daemon.http;

/**
 * Who may call a route. Every route declares one; {@link AccessPolicy} is the one place that applies them.
 * "Restricted" callers are TLS clients whose certificate is limited to some projects.
 */
public enum Access {
    /** Anyone, trusted or not ({@code GET /}, {@code GET /1.0}, redeeming a trust token). */
    PUBLIC,
    /** Any trusted caller, restricted ones included: reading server-wide things (storage pools, certificates). */
    TRUSTED,
    /** Trusted callers; a restricted one only inside its own projects (instances, operations, events, changes). */
    PROJECT,
    /** As {@link #PROJECT}, and restricted callers may also read the default project's shared images and profiles. */
    SHARED_READ,
    /** Unrestricted trusted callers only: server configuration, the trust store. */
    ADMIN
}
