package dev.corral.instance;

/** A driver could not do what it was asked; the message is fit for the user (it ends up in an operation's err). */
public final class DriverException extends RuntimeException {

    public DriverException(String message) {
        super(message);
    }

    public DriverException(String message, Throwable cause) {
        super(message, cause);
    }
}
