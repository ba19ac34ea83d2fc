package dev.corral.api;

/**
 * The one error type of Corral: an HTTP status and a message for the client, rendered once as the Incus error
 * envelope. Client errors (4xx) carry no stack trace: they are answers, not bugs.
 */
public final class ApiException extends RuntimeException {

    private final int status;

    public ApiException(int status, String message) {
        super(message, null, false, status >= 500);
        this.status = status;
    }

    public ApiException(int status, String message, Throwable cause) {
        super(message, cause, false, true);
        this.status = status;
    }

    public int status() {
        return status;
    }

    public static ApiException badRequest(String message) {
        return new ApiException(400, message);
    }

    public static ApiException forbidden(String message) {
        return new ApiException(403, message);
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, message);
    }

    public static ApiException conflict(String message) {
        return new ApiException(409, message);
    }

    public static ApiException preconditionFailed(String message) {
        return new ApiException(412, message);
    }

    public static ApiException internal(String message, Throwable cause) {
        return new ApiException(500, message, cause);
    }
}
