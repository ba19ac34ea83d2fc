package dev.corral.operations;

import dev.corral.api.Event;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fan-out of {@code operation}, {@code lifecycle} and {@code logging} events to {@code /1.0/events} listeners.
 * Publishing never blocks: listeners must hand messages off (a websocket write is asynchronous).
 */
public final class EventBus {

    private static final Logger LOG = LoggerFactory.getLogger(EventBus.class);

    /** What a listener wants: some event types, of one project or of all (null project). */
    public record Filter(Set<String> types, String project) {

        boolean accepts(Event event) {
            if (!types.contains(event.type())) {
                return false;
            }
            // Events of no project (logging) go to everyone, as in Incus.
            return project == null || event.project() == null || event.project().isEmpty()
                    || project.equals(event.project());
        }
    }

    private record Listener(Filter filter, Consumer<Event> sink) {
    }

    private final CopyOnWriteArrayList<Listener> listeners = new CopyOnWriteArrayList<>();

    /** Subscribes; closing the returned handle unsubscribes. */
    public AutoCloseable subscribe(Filter filter, Consumer<Event> sink) {
        Listener listener = new Listener(filter, sink);
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    public void publish(String type, String project, Object metadata) {
        Event event = new Event(type, Instant.now().toString(), metadata, "none", project);
        for (Listener listener : listeners) {
            if (listener.filter.accepts(event)) {
                try {
                    listener.sink.accept(event);
                } catch (RuntimeException e) {
                    LOG.warn("event listener failed", e);
                }
            }
        }
    }

    /** True if someone listens for this type: lets callers skip building events nobody reads. */
    public boolean hasListeners(String type) {
        for (Listener listener : listeners) {
            if (listener.filter.types().contains(type)) {
                return true;
            }
        }
        return false;
    }
}
