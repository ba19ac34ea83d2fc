package dev.corral.daemon.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.corral.api.ApiException;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AccessPolicyTest {

    private static final Caller UNIX = new Caller(true, "unix", "root", "@", null);
    private static final Caller STRANGER = Caller.untrusted("tls", "abc", "127.0.0.1:5000");
    private static final Caller ADMIN = new Caller(true, "tls", "f1", "127.0.0.1:5001", null);
    private static final Caller DEFAULT_ONLY = new Caller(true, "tls", "f2", "127.0.0.1:5002", Set.of("default"));
    private static final Caller NO_PROJECTS = new Caller(true, "tls", "f3", "127.0.0.1:5003", Set.of());

    @Test
    void publicRoutesLetAnyoneIn() {
        for (Caller caller : new Caller[] {UNIX, STRANGER, ADMIN, DEFAULT_ONLY, NO_PROJECTS}) {
            assertNull(AccessPolicy.denial(Access.PUBLIC, caller, null, false, false));
        }
    }

    @Test
    void untrustedCallersGetOnlyPublicRoutes() {
        for (Access access : new Access[] {Access.TRUSTED, Access.PROJECT, Access.SHARED_READ, Access.ADMIN}) {
            assertDenied("not authorized", AccessPolicy.denial(access, STRANGER, null, false, true));
        }
    }

    @Test
    void unrestrictedCallersGetEverything() {
        for (Access access : Access.values()) {
            assertNull(AccessPolicy.denial(access, UNIX, "default", true, false));
            assertNull(AccessPolicy.denial(access, ADMIN, "default", true, false));
        }
    }

    @Test
    void restrictedCallersStayInTheirProjects() {
        assertNull(AccessPolicy.denial(Access.PROJECT, DEFAULT_ONLY, null, false, false));
        assertNull(AccessPolicy.denial(Access.PROJECT, DEFAULT_ONLY, "default", false, false));
        assertDenied("User does not have permission for project \"default\"",
                AccessPolicy.denial(Access.PROJECT, NO_PROJECTS, null, false, true));
        assertDenied("User does not have permission for project \"other\"",
                AccessPolicy.denial(Access.PROJECT, DEFAULT_ONLY, "other", false, true));
        assertDenied("Certificate is restricted", AccessPolicy.denial(Access.PROJECT, DEFAULT_ONLY, null, true, true));
        assertDenied("Certificate is restricted", AccessPolicy.denial(Access.ADMIN, DEFAULT_ONLY, null, false, true));
        assertNull(AccessPolicy.denial(Access.TRUSTED, NO_PROJECTS, null, false, true));
    }

    @Test
    void restrictedCallersMayReadButNotChangeTheDefaultProjectsSharedThings() {
        assertNull(AccessPolicy.denial(Access.SHARED_READ, NO_PROJECTS, null, false, true));
        assertDenied("User does not have permission for project \"default\"",
                AccessPolicy.denial(Access.SHARED_READ, NO_PROJECTS, null, false, false));
    }

    private static void assertDenied(String message, ApiException denial) {
        assertEquals(403, denial.status());
        assertEquals(message, denial.getMessage());
    }
}
