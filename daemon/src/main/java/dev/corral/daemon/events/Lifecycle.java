package dev.corral.daemon.events;

import dev.corral.api.Event;
import dev.corral.api.LifecycleEvent;
import dev.corral.api.Requestor;
import dev.corral.operations.EventBus;
import java.util.Map;

/** Announces what changed, as Incus's {@code lifecycle} events: an action on a resource, by a requestor. */
public final class Lifecycle {

    private final EventBus events;

    public Lifecycle(EventBus events) {
        this.events = events;
    }

    /** {@code action} as Incus names it ({@code config-updated}, {@code instance-started}, ...). */
    public void emit(String action, String source, String project, Requestor requestor, Map<String, Object> context) {
        events.publish(Event.LIFECYCLE, project,
                new LifecycleEvent(action, source, context, requestor, null, null));
    }
}
