package dev.corral.client;

import dev.corral.api.Operation;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A background operation of the daemon ({@code /1.0/operations/{id}}): what every change that takes time returns.
 * Thread-safe.
 *
 * <pre>{@code
 * OperationHandle op = client.instances().start("c1").join();
 * op.await(Duration.ofSeconds(30)).join();          // fails with CorralException unless the operation succeeded
 * }</pre>
 */
public interface OperationHandle {

    /** The operation's id (a UUID); empty for an answer the daemon gave at once, without an operation. */
    String id();

    /** The operation as last seen (when created, or by the latest refresh, wait or update). */
    Operation snapshot();

    /** The secrets of a websocket operation ({@code metadata.fds}: stream name to secret); empty otherwise. */
    Map<String, String> secrets();

    /** Reads the operation again. */
    CompletableFuture<Operation> refresh();

    /**
     * Waits until the operation ends, at most {@code timeout}. Completes with the operation when it succeeded; fails
     * with a {@link CorralException} of kind {@code OPERATION_FAILED} (its {@code err}), {@code OPERATION_CANCELLED},
     * or {@code TIMEOUT} (the operation goes on).
     */
    CompletableFuture<Operation> await(Duration timeout);

    /** {@link #await(Duration)}, telling {@code progress} about every progress report meanwhile. */
    CompletableFuture<Operation> await(Duration timeout, Consumer<OperationProgress> progress);

    /** Asks the daemon to cancel the operation (only operations that say {@code may_cancel} can be). */
    CompletableFuture<Void> cancel();

    /**
     * Calls {@code listener} with every change of the operation, from the daemon's {@code operation} events (or, if
     * the event stream cannot be opened, by polling every {@link ClientOptions#pollInterval()}), starting with its
     * current state; ends by itself after the final state. Calls come in order on a callback thread; the
     * subscription stays {@link Subscription#isOpen() open} until the last of them returned.
     */
    CompletableFuture<Subscription> onUpdate(Consumer<Operation> listener);

    /** {@link #onUpdate} reduced to the progress reports. */
    CompletableFuture<Subscription> onProgress(Consumer<OperationProgress> listener);

    /** Connects one stream of a websocket operation ({@code secret} from {@link #secrets()}). */
    CompletableFuture<WebSocketConnection> websocket(String secret, StreamCallback<WebSocketMessage> callback);
}
