package dev.corral.client;

import dev.corral.api.Event;

/** The kinds of {@code /1.0/events} messages. */
public enum EventType {
    /** Every change of an operation; metadata: the operation. */
    OPERATION(Event.OPERATION),
    /** Something happened to a resource ({@code instance-started}, {@code profile-created}, ...). */
    LIFECYCLE(Event.LIFECYCLE),
    /** The daemon's log lines. */
    LOGGING(Event.LOGGING);

    private final String wireName;

    EventType(String wireName) {
        this.wireName = wireName;
    }

    /** The name in {@code ?type=} and in {@code Event.type}. */
    public String wireName() {
        return wireName;
    }
}
