package dev.corral.daemon.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.corral.api.ApiException;
import dev.corral.api.Envelope;
import dev.corral.api.Json;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The single place where answers become bytes: the Incus envelopes, their status codes and headers. */
public final class ApiRenderer {

    private static final Logger LOG = LoggerFactory.getLogger(ApiRenderer.class);

    private ApiRenderer() {
    }

    public static void render(HttpServerResponse response, ApiResponse answer) {
        if (response.ended() || response.closed()) {
            return;
        }
        if (answer instanceof ApiResponse.Sync sync) {
            if (sync.etag() != null) {
                response.putHeader("ETag", "\"" + sync.etag() + "\"");
            }
            write(response, 200, Envelope.sync(sync.metadata()));
        } else if (answer instanceof ApiResponse.Created created) {
            response.putHeader("Location", created.location());
            write(response, 201, Envelope.sync(null));
        } else if (answer instanceof ApiResponse.Async async) {
            response.putHeader("Location", async.operation().url());
            write(response, 202, Envelope.async(async.operation()));
        }
        else if (answer instanceof ApiResponse.Files files) {
            FileSender.send(response, files);
        }
        // ApiResponse.Upgraded: the handler owns the connection now.
    }

    /** Renders any failure: an {@link ApiException} as itself, anything else as a 500 without internals. */
    public static void renderFailure(HttpServerResponse response, Throwable failure) {
        if (response.ended() || response.closed()) {
            return;
        }
        ApiException error = failure instanceof ApiException api ? api : null;
        if (error == null) {
            LOG.error("internal error", failure);
            error = new ApiException(500, "Internal server error");
        } else if (error.status() >= 500) {
            LOG.error("{}", error.getMessage(), error);
        }
        renderError(response, error.status(), error.getMessage());
    }

    public static void renderError(HttpServerResponse response, int status, String message) {
        if (response.ended() || response.closed()) {
            return;
        }
        response.putHeader("X-Content-Type-Options", "nosniff");
        write(response, status, Envelope.error(status, message));
    }

    private static void write(HttpServerResponse response, int status, Envelope envelope) {
        byte[] json;
        try {
            json = Json.MAPPER.writeValueAsBytes(envelope);
        } catch (JsonProcessingException e) {
            LOG.error("cannot serialise answer", e);
            status = 500;
            json = "{\"type\":\"error\",\"status\":\"\",\"status_code\":0,\"operation\":\"\",\"error_code\":500,\"error\":\"Internal server error\",\"metadata\":null}"
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
        Buffer body = Buffer.buffer(json.length + 1).appendBytes(json).appendByte((byte) '\n');
        response.setStatusCode(status)
                .putHeader("Content-Type", "application/json")
                .end(body);
    }
}
