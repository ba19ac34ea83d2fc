package dev.corral.daemon.operations;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corral.api.Event;
import dev.corral.api.Operation;
import dev.corral.daemon.http.Caller;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TokenVisibilityTest {

    private static final Caller ADMIN = new Caller(true, "unix", "root", "@", null);
    private static final Caller RESTRICTED = new Caller(true, "tls", "f", "127.0.0.1:1", Set.of("default"));

    @Test
    void tokensAndTheirEventsAreForAdministratorsOnly() {
        Operation token = operation("token");
        Operation task = operation("task");
        assertTrue(TokenVisibility.canSee(ADMIN, token));
        assertFalse(TokenVisibility.canSee(RESTRICTED, token));
        assertTrue(TokenVisibility.canSee(RESTRICTED, task));
        assertFalse(TokenVisibility.canSee(RESTRICTED, new Event("operation", "t", token, "none", "default")));
        assertTrue(TokenVisibility.canSee(RESTRICTED, new Event("operation", "t", task, "none", "default")));
        assertTrue(TokenVisibility.canSee(RESTRICTED, new Event("lifecycle", "t", Map.of(), "none", "default")));
    }

    private static Operation operation(String kind) {
        return new Operation("id", kind, "d", "c", "u", "Running", 103, Map.of(), Map.of("secret", "s"), true, "",
                "none");
    }
}
