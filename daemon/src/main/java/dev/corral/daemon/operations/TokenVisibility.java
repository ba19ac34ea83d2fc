package dev.corral.daemon.operations;

import dev.corral.api.ApiException;
import dev.corral.api.Event;
import dev.corral.api.Operation;
import dev.corral.daemon.http.Caller;

/**
 * Token operations carry the secret that trusts a new client: only unrestricted callers may see them, in operation
 * lists, by id, or as operation events. Anyone else would turn a restricted certificate into an unrestricted one.
 */
public final class TokenVisibility {

    private TokenVisibility() {
    }

    public static boolean canSee(Caller caller, Operation operation) {
        return caller.isAdmin() || !"token".equals(operation.operationClass());
    }

    public static boolean canSee(Caller caller, Event event) {
        return !(event.metadata() instanceof Operation operation) || canSee(caller, operation);
    }

    /** The operation, or the same 404 as for an unknown id. */
    static Operation check(Caller caller, Operation operation) {
        if (!canSee(caller, operation)) {
            throw ApiException.notFound("Operation not found");
        }
        return operation;
    }
}
