package dev.corral.client;

/** A running subscription (events, operation updates); {@link #close()} stops it. Idempotent, thread-safe. */
public interface Subscription extends AutoCloseable {

    /** Stops the subscription; its callback then completes. */
    @Override
    void close();

    /** Whether it still delivers. */
    boolean isOpen();
}
