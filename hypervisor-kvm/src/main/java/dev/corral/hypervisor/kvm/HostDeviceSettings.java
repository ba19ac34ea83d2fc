package dev.corral.hypervisor.kvm;

import dev.corral.api.ApiException;
import java.util.Map;

/** What {@code gpu}, {@code pci} and {@code usb} devices mean for a VM: host devices passed through. */
final class HostDeviceSettings {

    private HostDeviceSettings() {
    }

    /** The host device; a 400 naming the device when its settings are wrong. */
    static HostDevice hostDevice(String name, Map<String, String> device) {
        throw ApiException.badRequest("Invalid devices: Device \"" + name + "\": " + device.get("type")
                + " devices are not supported for virtual machines yet");
    }
}
