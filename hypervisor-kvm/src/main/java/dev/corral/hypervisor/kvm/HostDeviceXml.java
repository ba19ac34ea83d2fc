package dev.corral.hypervisor.kvm;

import static dev.corral.hypervisor.kvm.DomainXml.alias;

/**
 * A host device passed through: a {@code <hostdev>} element, managed by libvirt (it binds a PCI device to vfio-pci
 * for the VM and back afterwards). One the host cannot give is left out ({@link HostDeviceSettings#checkAvailable}
 * fails the start first when it is required).
 */
final class HostDeviceXml {

    private HostDeviceXml() {
    }

    static void render(StringBuilder x, HostDevice h) {
        if (h.unavailable() != null) {
            return;
        }
        x.append("    <hostdev mode='subsystem' type='").append(h.kind() == HostDevice.Kind.PCI ? "pci" : "usb")
                .append("' managed='yes'>\n");
        if (h.kind() == HostDevice.Kind.PCI) {
            String[] parts = h.address().split("[:.]");
            x.append("      <source>\n        <address domain='0x").append(parts[0]).append("' bus='0x")
                    .append(parts[1]).append("' slot='0x").append(parts[2]).append("' function='0x")
                    .append(parts[3]).append("'/>\n      </source>\n");
        } else {
            x.append("      <source").append(h.required() ? "" : " startupPolicy='optional'").append(">\n");
            if (h.vendorId() != null && h.productId() != null) {
                x.append("        <vendor id='0x").append(h.vendorId()).append("'/>\n");
                x.append("        <product id='0x").append(h.productId()).append("'/>\n");
            }
            if (h.busNum() > 0 && h.devNum() > 0) {
                x.append("        <address bus='").append(h.busNum()).append("' device='").append(h.devNum())
                        .append("'/>\n");
            }
            x.append("      </source>\n");
        }
        x.append("      <alias name='ua-").append(alias(h.device())).append("'/>\n");
        x.append("    </hostdev>\n");
    }
}
