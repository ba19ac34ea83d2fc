package dev.corral.client;

import dev.corral.api.Operation;

/**
 * The one failure type of the SDK. Every future of the client fails with it (wrapped in a
 * {@link java.util.concurrent.CompletionException} when joined).
 *
 * <ul>
 *   <li>{@link Kind#ERROR_RESPONSE}: the daemon answered with Incus's error envelope; {@link #errorCode()} is its
 *       {@code error_code} (an HTTP status: 400 bad request, 403, 404 not found, 409 conflict, 412, 500, ...) and the
 *       message its {@code error}.</li>
 *   <li>{@link Kind#OPERATION_FAILED} / {@link Kind#OPERATION_CANCELLED}: a background operation ended without
 *       success; {@link #errorCode()} is the operation's status code (400 failure, 401 cancelled), the message its
 *       {@code err}, and {@link #operation()} the operation as last seen.</li>
 *   <li>{@link Kind#TIMEOUT}: an explicit timeout passed (the request or wait may still complete on the daemon).</li>
 *   <li>{@link Kind#CONNECTION}: the daemon could not be reached, or the connection broke.</li>
 *   <li>{@link Kind#PROTOCOL}: the daemon answered something that is not the Incus protocol.</li>
 * </ul>
 */
public final class CorralException extends RuntimeException {

    /** What went wrong, coarsely. */
    public enum Kind {
        /** The daemon answered with an error envelope. */
        ERROR_RESPONSE,
        /** A background operation failed. */
        OPERATION_FAILED,
        /** A background operation was cancelled. */
        OPERATION_CANCELLED,
        /** An explicit timeout passed. */
        TIMEOUT,
        /** The daemon could not be reached, or the connection broke. */
        CONNECTION,
        /** The daemon's answer was not the Incus protocol. */
        PROTOCOL
    }

    private final Kind kind;
    private final int errorCode;
    private final transient Operation operation;

    CorralException(Kind kind, int errorCode, String message, Operation operation, Throwable cause) {
        super(message, cause, false, kind != Kind.ERROR_RESPONSE);
        this.kind = kind;
        this.errorCode = errorCode;
        this.operation = operation;
    }

    /** An error envelope: {@code error_code} and {@code error}. */
    static CorralException errorResponse(int errorCode, String message) {
        return new CorralException(Kind.ERROR_RESPONSE, errorCode, message, null, null);
    }

    static CorralException operationEnded(Operation operation) {
        boolean cancelled = operation.statusCode() == 401;
        String err = operation.err() == null || operation.err().isEmpty()
                ? (cancelled ? "Operation cancelled" : "Operation failed") : operation.err();
        return new CorralException(cancelled ? Kind.OPERATION_CANCELLED : Kind.OPERATION_FAILED,
                operation.statusCode(), err, operation, null);
    }

    static CorralException operationFailed(String message) {
        return new CorralException(Kind.OPERATION_FAILED, 400, message, null, null);
    }

    static CorralException timeout(String message) {
        return new CorralException(Kind.TIMEOUT, 0, message, null, null);
    }

    static CorralException connection(String message, Throwable cause) {
        return new CorralException(Kind.CONNECTION, 0, message, null, cause);
    }

    static CorralException protocol(String message, Throwable cause) {
        return new CorralException(Kind.PROTOCOL, 0, message, null, cause);
    }

    /** What went wrong. */
    public Kind kind() {
        return kind;
    }

    /**
     * The Incus {@code error_code} for {@link Kind#ERROR_RESPONSE} (an HTTP status), the operation's status code for
     * operation outcomes, 0 otherwise.
     */
    public int errorCode() {
        return errorCode;
    }

    /** The operation, for {@link Kind#OPERATION_FAILED} and {@link Kind#OPERATION_CANCELLED} (else null). */
    public Operation operation() {
        return operation;
    }

    /** An error envelope with {@code error_code} 404. */
    public boolean isNotFound() {
        return kind == Kind.ERROR_RESPONSE && errorCode == 404;
    }

    /** An error envelope with {@code error_code} 409 (e.g. the name is taken). */
    public boolean isConflict() {
        return kind == Kind.ERROR_RESPONSE && errorCode == 409;
    }

    /** An error envelope with {@code error_code} 400. */
    public boolean isBadRequest() {
        return kind == Kind.ERROR_RESPONSE && errorCode == 400;
    }

    @Override
    public String toString() {
        return "CorralException[" + kind + (errorCode != 0 ? " " + errorCode : "") + "]: " + getMessage();
    }

    /** The CorralException inside {@code error} (unwrapping completion wrappers), or null if there is none. */
    public static CorralException unwrap(Throwable error) {
        Throwable t = error;
        while (t != null) {
            if (t instanceof CorralException c) {
                return c;
            }
            t = t.getCause();
        }
        return null;
    }
}
