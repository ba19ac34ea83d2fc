package dev.corral.daemon.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.corral.api.ApiException;
import dev.corral.api.Json;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/** A request as handlers see it: parameters, a strictly parsed body, the caller, and a way to run blocking code. */
public final class Request {

    private final RoutingContext context;
    private final Caller caller;

    Request(RoutingContext context, Caller caller) {
        this.context = context;
        this.caller = caller;
    }

    public Caller caller() {
        return caller;
    }

    public String pathParam(String name) {
        return context.pathParam(name);
    }

    /** A query parameter, or null when absent. */
    public String query(String name) {
        return context.request().getParam(name);
    }

    public boolean queryFlag(String name) {
        String value = query(name);
        return value != null && (value.equals("1") || value.equalsIgnoreCase("true"));
    }

    /** {@code ?recursion=}: 0 when absent; 400 when not one of the levels the route supports. */
    public int recursion(int max) {
        String value = query("recursion");
        if (value == null || value.isEmpty()) {
            return 0;
        }
        try {
            int level = Integer.parseInt(value);
            if (level >= 0 && level <= max) {
                return level;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiException.badRequest("Invalid recursion level \"" + value + "\"");
    }

    /** The {@code If-Match} header without quotes, or null. */
    public String ifMatch() {
        String value = context.request().getHeader("If-Match");
        return value == null || value.isEmpty() ? null : value.replace("\"", "");
    }

    /** The JSON body as {@code type}; unknown fields, wrong types and malformed JSON are 400s naming the problem. */
    public <T> T body(Class<T> type) {
        return parseJson(context.body().buffer(), type);
    }

    /** {@link #body} for a body read some other way (on a route whose body is streamed). */
    public static <T> T parseJson(Buffer body, Class<T> type) {
        if (body == null || body.length() == 0) {
            throw ApiException.badRequest("Request body is empty");
        }
        try {
            T value = Json.MAPPER.readValue(body.getBytes(), type);
            if (value == null) {
                throw ApiException.badRequest("Request body must be a JSON object");
            }
            return value;
        } catch (UnrecognizedPropertyException e) {
            throw ApiException.badRequest("Unknown field \"" + e.getPropertyName() + "\"");
        } catch (MismatchedInputException e) {
            throw ApiException.badRequest("Invalid value" + fieldPath(e) + ": " + withoutHints(e.getOriginalMessage()));
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("Invalid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw ApiException.badRequest("Unreadable request body");
        }
    }

    /** Jackson's messages end with advice to its programmer ("(set DeserializationConfig...)"): not for clients. */
    private static String withoutHints(String message) {
        int hint = message.indexOf(" (set ");
        return hint < 0 ? message : message.substring(0, hint);
    }

    private static String fieldPath(MismatchedInputException e) {
        String path = e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining("."));
        return path.isEmpty() ? "" : " for \"" + path + "\"";
    }

    /**
     * The body of a request on a route whose body is streamed, read into memory up to {@code limit} bytes; a 413
     * beyond that (whether or not the client sent a {@code Content-Length}).
     */
    public Future<Buffer> bodyUpTo(long limit) {
        HttpServerRequest raw = context.request();
        Promise<Buffer> body = Promise.promise();
        Buffer received = Buffer.buffer();
        raw.handler(chunk -> {
            if (received.length() + chunk.length() > limit) {
                // The rest is never read: the connection closes once the answer is out (a client still sending
                // then gets an error and reads the answer).
                raw.pause();
                raw.response().putHeader("Connection", "close").endHandler(ignored -> raw.connection().close());
                body.tryFail(new ApiException(413, "Request body is too large"));
            } else {
                received.appendBuffer(chunk);
            }
        });
        raw.exceptionHandler(body::tryFail);
        raw.endHandler(ignored -> body.tryComplete(received));
        raw.resume(); // the router holds bodies back until a handler takes them
        return body.future();
    }

    /** Runs blocking code on a worker thread, never on the event loop. */
    public <T> Future<T> blocking(Callable<T> work) {
        return context.vertx().executeBlocking(work, false);
    }

    public Vertx vertx() {
        return context.vertx();
    }

    public HttpServerRequest raw() {
        return context.request();
    }
}
