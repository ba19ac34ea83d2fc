package dev.corral.hypervisor.kvm;

import java.util.Objects;

/**
 * A network interface of a VM.
 *
 * @param device the Incus device name
 * @param mac the MAC address, or null to let libvirt choose
 * @param kind how it reaches the host's network
 * @param source the host bridge ({@code BRIDGE}) or parent interface ({@code MACVLAN})
 * @param hostName the host-side interface's name ({@code host_name}), or null to let libvirt choose
 * @param mtu 0 for the default
 * @param bootOrder the firmware's boot order, from 1
 */
public record VmNic(String device, String mac, Kind kind, String source, String hostName, int mtu, int bootOrder) {

    public VmNic {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(source, "source");
    }

    /** Whether {@code other} is this nic, but for the boot order (which only a start applies). */
    boolean sameExceptBootOrder(VmNic other) {
        return equals(new VmNic(other.device, other.mac, other.kind, other.source, other.hostName, other.mtu,
                bootOrder));
    }

    public enum Kind {
        BRIDGE, MACVLAN
    }
}
