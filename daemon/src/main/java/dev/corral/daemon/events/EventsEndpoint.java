package dev.corral.daemon.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.corral.api.ApiException;
import dev.corral.api.Event;
import dev.corral.api.Json;
import dev.corral.daemon.http.Access;
import dev.corral.daemon.http.ApiResponse;
import dev.corral.daemon.http.Caller;
import dev.corral.daemon.http.Endpoint;
import dev.corral.daemon.http.Request;
import dev.corral.daemon.http.Route;
import dev.corral.daemon.http.WebSocketKeepAlive;
import dev.corral.daemon.operations.TokenVisibility;
import dev.corral.daemon.projects.Projects;
import dev.corral.operations.EventBus;
import io.vertx.core.Future;
import io.vertx.core.http.ServerWebSocket;
import java.util.ArrayList;
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

    public EventsEndpoint(EventBus events) {
        this.events = events;
    }

    @Override
    public List<Route> routes() {
        return List.of(Route.get("/1.0/events", Access.PROJECT, this::subscribe));
    }

    private Future<ApiResponse> subscribe(Request request) {
        if (!"websocket".equalsIgnoreCase(request.raw().getHeader("Upgrade"))) {
            throw ApiException.badRequest("This endpoint needs a websocket connection");
        }
        Set<String> types = types(request.query("type"));
        String project = request.queryFlag("all-projects") ? null : Projects.fromRequest(request);
        // Subscribe before the upgrade answers, so that nothing published after the 101 is missed.
        EventStream stream = new EventStream();
        Caller caller = request.caller();
        AutoCloseable subscription = events.subscribe(new EventBus.Filter(types, project), event -> {
            if (TokenVisibility.canSee(caller, event)) {
                stream.send(event);
            }
        });
        return request.raw().toWebSocket()
                .onFailure(failure -> close(subscription))
                .map(socket -> {
                    socket.closeHandler(closed -> close(subscription));
                    socket.handler(ignored -> { });
                    // Room for bursts (an image import's progress, about 100 operation events) to a client that
                    // is briefly starved of CPU (the incus CLI next to busy VMs): past that it is "too slow".
                    socket.setWriteQueueMaxSize(EVENT_BACKLOG);
                    stream.attach(socket);
                    WebSocketKeepAlive.start(request.vertx(), socket);
                    return new ApiResponse.Upgraded();
                });
    }

    /** Bytes of events a listener may have unread before it is dropped as too slow. */
    private static final int EVENT_BACKLOG = 1 << 20;

    private static void close(AutoCloseable subscription) {
        try {
            subscription.close();
        } catch (Exception e) {
            LOG.warn("cannot unsubscribe", e);
        }
    }

    /** Writes events to the websocket; holds the first ones back until the upgrade is done. */
    private static final class EventStream {

        private final List<Event> early = new ArrayList<>();
        private ServerWebSocket socket;

        synchronized void attach(ServerWebSocket socket) {
            this.socket = socket;
            early.forEach(this::write);
            early.clear();
        }

        synchronized void send(Event event) {
            if (socket == null) {
                early.add(event);
            } else {
                write(event);
            }
        }

        private void write(Event event) {
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
        }
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
