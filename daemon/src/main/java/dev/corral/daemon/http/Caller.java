package dev.corral.daemon.http;

import dev.corral.api.Requestor;
import java.util.Set;

/**
 * Who sent a request, as decided once by the listener's policy step. {@code username} is the unix user name, or
 * the TLS certificate's fingerprint. {@code projects} is null for an unrestricted caller, else the projects a
 * restricted certificate may use.
 */
public record Caller(boolean trusted, String protocol, String username, String address, Set<String> projects) {

    public Caller {
        projects = projects == null ? null : Set.copyOf(projects);
    }

    public static Caller untrusted(String protocol, String username, String address) {
        return new Caller(false, protocol, username, address, Set.of());
    }

    public boolean restricted() {
        return projects != null;
    }

    /** Whether this caller may work in {@code project}. */
    public boolean mayUse(String project) {
        return trusted && (projects == null || projects.contains(project));
    }

    public boolean isAdmin() {
        return trusted && projects == null;
    }

    public Requestor requestor() {
        return new Requestor(username, protocol, address);
    }
}
