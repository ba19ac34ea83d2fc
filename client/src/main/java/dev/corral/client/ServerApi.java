package dev.corral.client;

import dev.corral.api.Server;
import dev.corral.api.ServerPut;
import java.util.concurrent.CompletableFuture;

/** {@code /1.0}: what the daemon is, and its configuration. */
public interface ServerApi {

    /** {@code GET /1.0}: API extensions, environment, configuration. */
    CompletableFuture<Server> get();

    /** {@code PUT /1.0}: replaces the configuration (keys left out are unset). */
    CompletableFuture<Void> update(ServerPut put);

    /** {@code PATCH /1.0}: changes the given keys only. */
    CompletableFuture<Void> patch(ServerPut put);

    /** Whether the daemon implements an API extension (from {@code api_extensions}). */
    default CompletableFuture<Boolean> hasExtension(String extension) {
        return get().thenApply(server -> server.apiExtensions() != null
                && server.apiExtensions().contains(extension));
    }
}
