package dev.corral.daemon.state;

/** A write collided with an existing object of the same name. */
public final class StateConflictException extends RuntimeException {

    public StateConflictException(String message) {
        super(message, null, false, false);
    }
}
