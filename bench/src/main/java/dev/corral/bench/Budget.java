package dev.corral.bench;

import java.util.concurrent.atomic.AtomicLong;

/**
 * When a phase stops: at its deadline, or once its request count is used up, whichever comes first.
 * Every phase has a deadline, so every loop driven by a budget ends by itself.
 */
final class Budget {

    private final long startNanos;
    private final long deadlineNanos;
    private final AtomicLong remaining;

    Budget(long startNanos, long deadlineNanos, long requests) {
        this.startNanos = startNanos;
        this.deadlineNanos = deadlineNanos;
        this.remaining = new AtomicLong(requests);
    }

    long startNanos() {
        return startNanos;
    }

    long deadlineNanos() {
        return deadlineNanos;
    }

    /** Claims the right to send one more request; false once the phase is over. */
    boolean take() {
        return System.nanoTime() < deadlineNanos && remaining.getAndDecrement() > 0;
    }
}
