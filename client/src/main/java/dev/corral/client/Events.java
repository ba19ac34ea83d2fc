package dev.corral.client;

import dev.corral.api.Event;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * {@code /1.0/events}: the daemon's event stream, over a websocket.
 *
 * <pre>{@code
 * Subscription s = client.events().subscribe(Set.of(EventType.LIFECYCLE),
 *         event -> EventMetadata.lifecycle(event).ifPresent(l -> System.out.println(l.action() + " " + l.source())))
 *     .join();
 * ...
 * s.close();
 * }</pre>
 */
public interface Events {

    /**
     * Subscribes to events of {@code types} (all types when empty) of the client's project. Completes once the
     * daemon accepted the subscription: every event published after that is delivered. {@link StreamCallback} has
     * one abstract method, so a lambda {@code event -> ...} will do when errors and the end do not matter.
     */
    CompletableFuture<Subscription> subscribe(Set<EventType> types, StreamCallback<Event> callback);

    /** Events of every project ({@code ?all-projects=true}). */
    CompletableFuture<Subscription> subscribeAllProjects(Set<EventType> types, StreamCallback<Event> callback);
}
