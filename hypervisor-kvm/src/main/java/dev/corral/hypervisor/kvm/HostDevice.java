package dev.corral.hypervisor.kvm;

import java.util.Objects;

/**
 * A host device passed through to a VM ({@code gpu}, {@code pci} and {@code usb} devices).
 *
 * @param device the Incus device name
 * @param kind PCI or USB
 * @param address a PCI address {@code 0000:01:00.0} (PCI), or null
 * @param vendorId a USB vendor id (4 hex digits), or null
 * @param productId a USB product id (4 hex digits), or null
 */
public record HostDevice(String device, Kind kind, String address, String vendorId, String productId) {

    public HostDevice {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(kind, "kind");
    }

    public enum Kind {
        PCI, USB
    }
}
