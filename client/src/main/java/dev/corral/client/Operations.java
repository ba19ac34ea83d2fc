package dev.corral.client;

import dev.corral.api.Operation;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** {@code /1.0/operations}: the daemon's background operations. */
public interface Operations {

    /** The operations' ids. */
    CompletableFuture<List<String>> ids();

    /** All operations the daemon knows (running, and those that ended in the last seconds). */
    CompletableFuture<List<Operation>> list();

    CompletableFuture<Operation> get(String id);

    /** A handle on an existing operation (reads it once). */
    CompletableFuture<OperationHandle> handle(String id);

    /** Waits for an operation to end; as {@link OperationHandle#await(Duration)}. */
    CompletableFuture<Operation> await(String id, Duration timeout);

    /** Cancels an operation ({@code DELETE /1.0/operations/{id}}). */
    CompletableFuture<Void> cancel(String id);
}
