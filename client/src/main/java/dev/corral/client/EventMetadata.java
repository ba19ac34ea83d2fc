package dev.corral.client;

import dev.corral.api.Event;
import dev.corral.api.LifecycleEvent;
import dev.corral.api.LoggingEvent;
import dev.corral.api.Operation;
import java.util.Optional;

/** Typed views of an {@link Event}'s metadata. */
public final class EventMetadata {

    private EventMetadata() {
    }

    /** The lifecycle record of a {@code lifecycle} event (empty for other types). */
    public static Optional<LifecycleEvent> lifecycle(Event event) {
        return as(event, Event.LIFECYCLE, LifecycleEvent.class);
    }

    /** The operation of an {@code operation} event (empty for other types). */
    public static Optional<Operation> operation(Event event) {
        return as(event, Event.OPERATION, Operation.class);
    }

    /** The log record of a {@code logging} event (empty for other types). */
    public static Optional<LoggingEvent> logging(Event event) {
        return as(event, Event.LOGGING, LoggingEvent.class);
    }

    private static <T> Optional<T> as(Event event, String type, Class<T> target) {
        if (!type.equals(event.type()) || event.metadata() == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(ClientJson.MAPPER.convertValue(event.metadata(), target));
        } catch (IllegalArgumentException e) {
            throw CorralException.protocol("unexpected " + type + " event metadata: " + e.getMessage(), e);
        }
    }
}
