package dev.corral.client;

import java.util.concurrent.CompletableFuture;

/**
 * An attached console ({@link Instances#console}). What the console prints goes to the callback given to
 * {@code console}; this handle types into it, resizes it and detaches. Detaching leaves the instance running.
 * Thread-safe.
 */
public interface ConsoleSession extends AutoCloseable {

    /** The console operation. */
    OperationHandle operation();

    /** Types into the console. */
    CompletableFuture<Void> write(byte[] data);

    /** Tells the console its terminal's new size. */
    CompletableFuture<Void> resize(int columns, int rows);

    /**
     * Completes once the session is over: detached by {@link #close()}, taken over by another session, or the
     * instance stopped.
     */
    CompletableFuture<Void> ended();

    /** Detaches; the instance keeps running. */
    @Override
    void close();
}
