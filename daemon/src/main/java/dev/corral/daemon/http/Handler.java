package dev.corral.daemon.http;

import io.vertx.core.Future;

/** A route's handler. It runs on an event loop: blocking work goes through {@link Request#blocking}. */
@FunctionalInterface
public interface Handler {
    Future<ApiResponse> handle(Request request) throws Exception;
}
