package dev.corral.hypervisor.kvm;

import java.util.Objects;

/**
 * A host device passed through to a VM ({@code gpu}, {@code pci} and {@code usb} devices).
 *
 * @param device the Incus device name
 * @param kind PCI or USB
 * @param address the PCI address, {@code 0000:01:00.0} (PCI; null when a GPU selection found none)
 * @param vendorId the USB vendor id (4 hex digits), or null
 * @param productId the USB product id (4 hex digits), or null
 * @param busNum the USB bus number, or 0 for any
 * @param devNum the USB device number on that bus, or 0 for any
 * @param required whether the VM may not start without it (a USB device that is not required is skipped)
 * @param unavailable why the host cannot give it now (checked when the VM starts), or null
 */
public record HostDevice(String device, Kind kind, String address, String vendorId, String productId, int busNum,
        int devNum, boolean required, String unavailable) {

    public HostDevice {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(kind, "kind");
    }

    public enum Kind {
        PCI, USB
    }
}
