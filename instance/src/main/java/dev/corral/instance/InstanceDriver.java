package dev.corral.instance;

import java.time.Duration;
import java.util.List;

/**
 * Runs instances of one {@link InstanceType}. The daemon owns configuration and storage; a driver turns a resolved
 * {@link InstanceSpec} into a running instance and reports what runs.
 *
 * <p>Threading: every method blocks (native calls, child processes) and must be called from a worker thread, never
 * an event loop. The daemon serialises lifecycle calls per instance; a driver must still tolerate concurrent calls
 * for different instances.
 */
public interface InstanceDriver {

    InstanceType type();

    /** Prepares the backend for a new instance whose volume (root filesystem) already exists. */
    void create(InstanceSpec spec);

    /** Starts the instance and returns once it runs; throws with the reason (and the log's tail) if it cannot. */
    void start(InstanceSpec spec);

    /**
     * Stops the instance: a clean shutdown waiting at most {@code timeout}; if it has not stopped by then, throws
     * and leaves it running (as Incus). {@code force}, or a zero timeout, kills at once. Returns once it no longer
     * runs; stopping a stopped instance just returns.
     */
    void stop(InstanceRef ref, boolean force, Duration timeout);

    void freeze(InstanceRef ref);

    void unfreeze(InstanceRef ref);

    RuntimeState state(InstanceRef ref);

    /** Only the status: what lists and state checks need, cheaper than {@link #state}. */
    default InstanceStatus status(InstanceRef ref) {
        return state(ref).status();
    }

    /** Applies a changed configuration: written for the next start, and what can change live, live. */
    void update(InstanceSpec spec);

    /** Moves the backend's state from {@code from} to {@code to}; the instance is stopped. */
    void rename(InstanceSpec from, InstanceSpec to);

    /** Forgets the instance; it is stopped. Its volume is the storage's to delete. */
    void delete(InstanceRef ref);

    /** The backend names of the instances that run now (for reconciliation at daemon start). */
    List<String> running();

    /**
     * A capability beyond the lifecycle (exec, console, files, ...), each a small interface of this module; empty
     * when the driver does not have it.
     */
    default <T> java.util.Optional<T> capability(Class<T> type) {
        return java.util.Optional.empty();
    }
}
