package dev.corral.client;

import dev.corral.api.InstanceStatePut;
import java.time.Duration;
import java.util.Objects;

/**
 * A state change ({@code PUT /1.0/instances/{name}/state}).
 *
 * @param action {@code start}, {@code stop}, {@code restart}, {@code freeze} or {@code unfreeze}
 * @param timeout for stop and restart: how long a clean shutdown may take before it fails (null: no bound, sent
 *        as {@code -1} like the {@code incus} CLI does, since Incus reads an absent or zero timeout as "kill at
 *        once"; with {@code force} there is no clean shutdown)
 * @param force stop or restart by killing
 * @param stateful keep the runtime state (not supported by Corral yet)
 */
public record StateChange(String action, Duration timeout, boolean force, boolean stateful) {

    public StateChange {
        Objects.requireNonNull(action, "action");
    }

    public static StateChange start() {
        return new StateChange("start", null, false, false);
    }

    /** A clean shutdown. */
    public static StateChange stop() {
        return new StateChange("stop", null, false, false);
    }

    /** {@code force}: kill at once; else a clean shutdown. */
    public static StateChange stop(boolean force) {
        return new StateChange("stop", null, force, false);
    }

    public static StateChange restart(boolean force) {
        return new StateChange("restart", null, force, false);
    }

    public static StateChange freeze() {
        return new StateChange("freeze", null, false, false);
    }

    public static StateChange unfreeze() {
        return new StateChange("unfreeze", null, false, false);
    }

    public StateChange withTimeout(Duration shutdownTimeout) {
        return new StateChange(action, shutdownTimeout, force, stateful);
    }

    public StateChange withForce(boolean kill) {
        return new StateChange(action, timeout, kill, stateful);
    }

    public StateChange withStateful(boolean keepState) {
        return new StateChange(action, timeout, force, keepState);
    }

    /** The wire body ({@code timeout} in whole seconds, at least 1; -1 for none). */
    public InstanceStatePut toWire() {
        Integer seconds = null;
        if (!force && ("stop".equals(action) || "restart".equals(action))) {
            seconds = timeout == null ? -1 : (int) Math.max(1, timeout.toSeconds());
        }
        return new InstanceStatePut(action, seconds, force ? Boolean.TRUE : null, stateful ? Boolean.TRUE : null);
    }
}
