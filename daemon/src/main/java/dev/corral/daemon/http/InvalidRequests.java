package dev.corral.daemon.http;

import io.netty.handler.codec.TooLongFrameException;
import io.vertx.core.http.HttpServerRequest;

/**
 * Answers requests that are not valid HTTP (a garbled request line, an overlong URI or header) with the Incus error
 * envelope instead of Vert.x's empty answer, then closes the connection: after such a request the stream cannot
 * be trusted to be in step.
 */
public final class InvalidRequests {

    private InvalidRequests() {
    }

    public static void answer(HttpServerRequest request) {
        Throwable cause = request.decoderResult().cause();
        int status = 400;
        String message = "Bad request";
        if (cause instanceof TooLongFrameException) {
            boolean uri = cause.getMessage() != null && cause.getMessage().contains("line");
            status = uri ? 414 : 431;
            message = uri ? "Request URI too long" : "Request header fields too large";
        }
        request.response().putHeader("Connection", "close");
        request.response().endHandler(ignored -> request.connection().close());
        ApiRenderer.renderError(request.response(), status, message);
    }
}
