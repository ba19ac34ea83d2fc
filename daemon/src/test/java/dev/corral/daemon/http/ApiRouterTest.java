package dev.corral.daemon.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.corral.operations.EventBus;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import org.junit.jupiter.api.Test;

class ApiRouterTest {

    @Test
    void incusPathParametersBecomeVertxOnes() {
        assertEquals("/1.0/operations/:id/wait", ApiRouter.vertxPath("/1.0/operations/{id}/wait"));
        assertEquals("/1.0/instances/:name/snapshots/:snapshot",
                ApiRouter.vertxPath("/1.0/instances/{name}/snapshots/{snapshot}"));
    }

    @Test
    void routesWithoutAnAccessRuleAreRefused() {
        assertThrows(NullPointerException.class,
                () -> Route.get("/1.0", null, request -> Future.succeededFuture(ApiResponse.empty())));
    }

    @Test
    void aRouteRegisteredTwiceIsRefused() {
        Vertx vertx = Vertx.vertx();
        try {
            Route route = Route.get("/1.0", Access.PUBLIC, request -> Future.succeededFuture(ApiResponse.empty()));
            assertThrows(IllegalStateException.class,
                    () -> ApiRouter.build(vertx, List.of(() -> List.of(route, route)), new EventBus(),
                            (certificate, address) -> Caller.untrusted("tls", "", address)));
        } finally {
            vertx.close();
        }
    }
}
