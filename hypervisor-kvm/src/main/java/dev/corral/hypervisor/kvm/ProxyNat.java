package dev.corral.hypervisor.kvm;

import java.util.List;
import java.util.Objects;

/**
 * A {@code proxy} device of a VM in NAT mode, resolved: traffic to {@code listenAddress} on each listen port is sent
 * on to the instance's static address ({@code target}) on the matching target port (or the one target port).
 *
 * @param device the Incus device name
 * @param ipv6 whether both addresses are IPv6
 * @param protocol {@code tcp} or {@code udp}
 */
public record ProxyNat(String device, boolean ipv6, String protocol, String listenAddress, List<Integer> listenPorts,
        String target, List<Integer> targetPorts) {

    public ProxyNat {
        Objects.requireNonNull(device, "device");
        listenPorts = List.copyOf(listenPorts);
        targetPorts = List.copyOf(targetPorts);
        if (targetPorts.size() != 1 && targetPorts.size() != listenPorts.size()) {
            throw new IllegalArgumentException("port counts " + listenPorts + " " + targetPorts);
        }
    }

    /** The target port for the listen port at {@code index}. */
    int targetPort(int index) {
        return targetPorts.size() == 1 ? targetPorts.get(0) : targetPorts.get(index);
    }
}
