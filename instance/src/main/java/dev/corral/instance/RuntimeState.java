package dev.corral.instance;

import java.util.List;
import java.util.Map;

/**
 * An instance's live state as its driver reads it ({@code GET /1.0/instances/{name}/state}). Counters a driver
 * cannot read are -1.
 *
 * @param pid the init process's pid on the host, or -1 when not running
 * @param cpuNanos CPU time used since start, in nanoseconds
 */
public record RuntimeState(
        InstanceStatus status,
        long pid,
        long processes,
        long cpuNanos,
        long memoryBytes,
        long memoryPeakBytes,
        Map<String, NetworkState> network) {

    public static RuntimeState stopped() {
        return new RuntimeState(InstanceStatus.STOPPED, -1, -1, -1, -1, -1, Map.of());
    }

    /** One network interface inside the instance. */
    public record NetworkState(String hwaddr, String state, long mtu, List<Address> addresses, long bytesReceived,
            long bytesSent, long packetsReceived, long packetsSent) {
    }

    /** One address of an interface: family {@code inet}/{@code inet6}, scope {@code global}/{@code link}/... */
    public record Address(String family, String address, String netmask, String scope) {
    }
}
