package dev.corral.daemon.http;

import io.vertx.core.http.HttpMethod;
import java.util.Objects;

/**
 * One endpoint method. {@code path} uses Incus's spelling ({@code /1.0/operations/{id}}). {@code bodyLimit} is
 * the largest request body accepted, in bytes.
 */
public record Route(HttpMethod method, String path, Access access, long bodyLimit, Handler handler) {

    /** Bodies are capped unless a route asks for more: JSON requests are small. */
    public static final long DEFAULT_BODY_LIMIT = 4L * 1024 * 1024;
    /** The handler reads the body itself, as a stream (uploads of any size). */
    public static final long STREAMED_BODY = -1;

    public Route {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(access, "access rule of " + method + " " + path);
        Objects.requireNonNull(handler, "handler");
    }

    public static Route get(String path, Access access, Handler handler) {
        return new Route(HttpMethod.GET, path, access, DEFAULT_BODY_LIMIT, handler);
    }

    public static Route put(String path, Access access, Handler handler) {
        return new Route(HttpMethod.PUT, path, access, DEFAULT_BODY_LIMIT, handler);
    }

    public static Route patch(String path, Access access, Handler handler) {
        return new Route(HttpMethod.PATCH, path, access, DEFAULT_BODY_LIMIT, handler);
    }

    public static Route post(String path, Access access, Handler handler) {
        return new Route(HttpMethod.POST, path, access, DEFAULT_BODY_LIMIT, handler);
    }

    /** A POST whose handler streams the request body itself (no cap, nothing buffered in memory). */
    public static Route upload(String path, Access access, Handler handler) {
        return new Route(HttpMethod.POST, path, access, STREAMED_BODY, handler);
    }

    public static Route delete(String path, Access access, Handler handler) {
        return new Route(HttpMethod.DELETE, path, access, DEFAULT_BODY_LIMIT, handler);
    }
}
