package dev.corral.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.corral.api.Event;
import io.vertx.core.Future;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

final class EventsImpl implements Events {

    private final Transport transport;

    EventsImpl(Transport transport) {
        this.transport = transport;
    }

    @Override
    public CompletableFuture<Subscription> subscribe(Set<EventType> types, StreamCallback<Event> callback) {
        return transport.toPublic(open(transport, types, false, callback));
    }

    @Override
    public CompletableFuture<Subscription> subscribeAllProjects(Set<EventType> types, StreamCallback<Event> callback) {
        return transport.toPublic(open(transport, types, true, callback));
    }

    static Future<Subscription> open(Transport transport, Set<EventType> types, boolean allProjects,
            StreamCallback<Event> callback) {
        String typeList = types.isEmpty() ? null
                : types.stream().map(EventType::wireName).sorted().collect(Collectors.joining(","));
        String uri = transport.uri("/1.0/events", "type", typeList, "all-projects", allProjects ? "true" : null);
        return WebSocketStream.open(transport, uri, new StreamCallback<>() {
            @Override
            public void onStart(AutoCloseable stream) {
                callback.onStart(stream);
            }

            @Override
            public void onNext(WebSocketMessage message) {
                Event event;
                try {
                    event = ClientJson.MAPPER.readValue(message.data(), Event.class);
                } catch (JsonProcessingException e) {
                    throw CorralException.protocol("unreadable event: " + e.getOriginalMessage(), e);
                } catch (java.io.IOException e) {
                    throw CorralException.protocol("unreadable event: " + e.getMessage(), e);
                }
                callback.onNext(event);
            }

            @Override
            public void onError(Throwable error) {
                callback.onError(error);
            }

            @Override
            public void onComplete() {
                callback.onComplete();
            }
        }).map(stream -> new Subscription() {
            @Override
            public void close() {
                stream.close();
            }

            @Override
            public boolean isOpen() {
                return stream.isOpen();
            }
        });
    }
}
