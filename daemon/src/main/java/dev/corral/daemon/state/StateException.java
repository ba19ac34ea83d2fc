package dev.corral.daemon.state;

/** The state store failed (I/O, corruption, a constraint): always a server-side error. */
public final class StateException extends RuntimeException {

    public StateException(String message, Throwable cause) {
        super(message, cause);
    }
}
