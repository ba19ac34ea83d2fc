package dev.corral.daemon.operations;

import dev.corral.api.ApiException;
import dev.corral.api.Operation;
import dev.corral.daemon.http.Access;
import dev.corral.daemon.http.ApiResponse;
import dev.corral.daemon.http.Endpoint;
import dev.corral.daemon.http.Request;
import dev.corral.daemon.http.Route;
import dev.corral.operations.OperationRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code /1.0/operations}: list, inspect, cancel and wait for operations, and connect their websockets. */
public final class OperationsEndpoint implements Endpoint {

    private final OperationRegistry registry;

    public OperationsEndpoint(OperationRegistry registry) {
        this.registry = registry;
    }

    @Override
    public List<Route> routes() {
        return List.of(
                Route.get("/1.0/operations", Access.PROJECT, this::list),
                Route.get("/1.0/operations/{id}", Access.PROJECT,
                        request -> Future.succeededFuture(ApiResponse.sync(visible(request)))),
                Route.delete("/1.0/operations/{id}", Access.PROJECT, request -> {
                    registry.cancel(visible(request).id());
                    return Future.succeededFuture(ApiResponse.empty());
                }),
                Route.get("/1.0/operations/{id}/wait", Access.PROJECT, this::await),
                Route.get("/1.0/operations/{id}/websocket", Access.PUBLIC,
                        request -> OperationWebsocket.connect(registry, request)));
    }

    /** Grouped by status, lower-cased ({@code running}, {@code success}, ...), as Incus answers. */
    private Future<ApiResponse> list(Request request) {
        int recursion = request.recursion(1);
        String project = request.queryFlag("all-projects") ? null : projectOf(request);
        Map<String, List<Object>> byStatus = new LinkedHashMap<>();
        for (Operation op : registry.list(project)) {
            if (!TokenVisibility.canSee(request.caller(), op)) {
                continue;
            }
            byStatus.computeIfAbsent(op.status().toLowerCase(Locale.ROOT), status -> new ArrayList<>())
                    .add(recursion == 0 ? op.url() : op);
        }
        return Future.succeededFuture(ApiResponse.sync(byStatus));
    }

    /**
     * Answers when the operation ends, or with the operation as it is once {@code timeout} seconds pass (a status
     * that is not final tells the client it still runs); holds no thread. Incus answers a timeout with an error
     * envelope instead; the operation is more useful to a polling client.
     */
    private Future<ApiResponse> await(Request request) {
        long timeout = timeoutSeconds(request.query("timeout"));
        visible(request);
        var finished = registry.whenFinished(request.pathParam("id"));
        Context context = request.vertx().getOrCreateContext();
        Promise<ApiResponse> answer = Promise.promise();
        String id = request.pathParam("id");
        long timer = timeout < 0 ? -1 : request.vertx().setTimer(Math.max(1, timeout * 1000), fired ->
                answer.tryComplete(ApiResponse.sync(registry.get(id))));
        // The operation ends on a worker thread; hop back to the request's event loop to answer.
        finished.whenComplete((op, failure) -> context.runOnContext(ignored -> {
            if (timer >= 0) {
                request.vertx().cancelTimer(timer);
            }
            answer.tryComplete(ApiResponse.sync(op));
        }));
        return answer.future();
    }

    private Operation visible(Request request) {
        return TokenVisibility.check(request.caller(), registry.get(request.pathParam("id")));
    }

    private static long timeoutSeconds(String value) {
        if (value == null || value.isEmpty()) {
            return -1;
        }
        try {
            long timeout = Long.parseLong(value);
            if (timeout >= -1) {
                return timeout;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiException.badRequest("Invalid timeout \"" + value + "\": expected seconds, or -1 for none");
    }

    private static String projectOf(Request request) {
        String project = request.query("project");
        return project == null || project.isEmpty() ? "default" : project;
    }
}
