package dev.corral.daemon.instances;

import dev.corral.api.ApiException;
import dev.corral.instance.InstanceRef;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One lifecycle change per instance at a time: a second one is refused at once with a 409 naming the one under
 * way, instead of queueing behind it or racing it.
 */
final class BusyInstances {

    private final Map<InstanceRef, String> busy = new ConcurrentHashMap<>();

    /** Marks the instance busy with {@code action}; the returned handle releases it. */
    AutoCloseable claim(InstanceRef ref, String action) {
        String running = busy.putIfAbsent(ref, action);
        if (running != null) {
            throw ApiException.conflict("Instance is busy running a \"" + running + "\" operation");
        }
        return () -> busy.remove(ref, action);
    }

    boolean isBusy(InstanceRef ref) {
        return busy.containsKey(ref);
    }
}
