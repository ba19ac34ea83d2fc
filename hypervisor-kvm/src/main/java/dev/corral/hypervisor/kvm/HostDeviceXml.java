package dev.corral.hypervisor.kvm;

import static dev.corral.hypervisor.kvm.DomainXml.alias;

/** A host device passed through: a {@code <hostdev>} element. */
final class HostDeviceXml {

    private HostDeviceXml() {
    }

    static void render(StringBuilder x, HostDevice h) {
        throw new UnsupportedOperationException("host device " + h.device() + " (" + alias(h.device()) + ")");
    }
}
