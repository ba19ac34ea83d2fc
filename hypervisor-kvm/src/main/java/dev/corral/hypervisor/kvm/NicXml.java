package dev.corral.hypervisor.kvm;

import static dev.corral.hypervisor.kvm.DomainXml.alias;
import static dev.corral.hypervisor.kvm.DomainXml.esc;

/** A domain's network interface: an {@code <interface>} element, virtio. */
final class NicXml {

    private NicXml() {
    }

    /** One {@code <interface>}; without its boot order for a nic plugged into a running VM. */
    static void render(StringBuilder x, VmNic n, boolean withBootOrder) {
        String type = switch (n.kind()) {
            case BRIDGE -> "bridge";
            case MACVLAN -> "direct";
        };
        x.append("    <interface type='").append(type).append("'>\n");
        if (n.mac() != null) {
            x.append("      <mac address='").append(esc(n.mac())).append("'/>\n");
        }
        switch (n.kind()) {
            case BRIDGE -> x.append("      <source bridge='").append(esc(n.source())).append("'/>\n");
            case MACVLAN -> x.append("      <source dev='").append(esc(n.source())).append("' mode='bridge'/>\n");
        }
        if (n.hostName() != null) {
            x.append("      <target dev='").append(esc(n.hostName())).append("'/>\n");
        }
        x.append("      <model type='virtio'/>\n");
        if (n.mtu() > 0) {
            x.append("      <mtu size='").append(n.mtu()).append("'/>\n");
        }
        if (withBootOrder) {
            x.append("      <boot order='").append(n.bootOrder()).append("'/>\n");
        }
        x.append("      <alias name='ua-").append(alias(n.device())).append("'/>\n");
        x.append("    </interface>\n");
    }
}
