package dev.corral.daemon.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.corral.api.ApiException;
import dev.corral.api.Event;
import dev.corral.api.Json;
import dev.corral.daemon.http.Access;
import dev.corral.daemon.http.ApiResponse;
import dev.corral.daemon.http.Endpoint;
import dev.corral.daemon.http.Request;
import dev.corral.daemon.http.Route;
import dev.corral.daemon.state.StateStore;
import dev.corral.operations.EventBus;
import io.vertx.core.Future;
import io.vertx.core.http.ServerWebSocket;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code GET /1.0/events}: a websocket streaming events of the requested types, as JSON text messages. */
public final class EventsEndpoint implements Endpoint {

    private static final Logger LOG = LoggerFactory.getLogger(EventsEndpoint.class);
    private static final Set<String> TYPES = Set.of(Event.OPERATION, Event.LOGGING, Event.LIFECYCLE);

    private final EventBus events;
    private final StateStore store;

    public EventsEndpoint(EventBus events, StateStore store) {
        this.events = events;
        this.store = store;
    }

    @Override
    public List<Route> routes() {
        return List.of(Route.get("/1.0/events", Access.TRUSTED, this::subscribe));
    }

    private Future<ApiResponse> subscribe(Request request) {
        if (!"websocket".equalsIgnoreCase(request.raw().getHeader("Upgrade"))) {
            throw ApiException.badRequest("This endpoint needs a websocket connection");
        }
        Set<String> types = types(request.query("type"));
        boolean allProjects = request.queryFlag("all-projects");
        String project = request.query("project") == null || request.query("project").isEmpty()
                ? "default" : request.query("project");
        Future<Void> projectChecked = allProjects ? Future.succeededFuture() : request.blocking(() -> {
            store.project(project).orElseThrow(() -> ApiException.notFound("Project not found"));
            return null;
        });
        EventBus.Filter filter = new EventBus.Filter(types, allProjects ? null : project);
        return projectChecked
                .compose(ignored -> request.raw().toWebSocket())
                .map(socket -> {
                    stream(socket, filter);
                    return new ApiResponse.Upgraded();
                });
    }

    private void stream(ServerWebSocket socket, EventBus.Filter filter) {
        AutoCloseable subscription = events.subscribe(filter, event -> {
            if (socket.writeQueueFull()) {
                // A listener that does not keep up is dropped rather than buffered without bound.
                socket.close((short) 1008, "too slow");
                return;
            }
            try {
                socket.writeTextMessage(Json.MAPPER.writeValueAsString(event));
            } catch (JsonProcessingException e) {
                LOG.warn("cannot serialise event", e);
            }
        });
        socket.closeHandler(closed -> {
            try {
                subscription.close();
            } catch (Exception e) {
                LOG.warn("cannot unsubscribe", e);
            }
        });
        socket.handler(ignored -> { });
    }

    private static Set<String> types(String query) {
        if (query == null || query.isEmpty()) {
            return TYPES;
        }
        Set<String> types = new LinkedHashSet<>();
        for (String type : query.split(",")) {
            if (!TYPES.contains(type)) {
                throw ApiException.badRequest("\"" + type + "\" isn't a supported event type");
            }
            types.add(type);
        }
        return types;
    }
}
