package dev.corral.hypervisor.kvm;

import dev.corral.api.ApiException;
import java.util.Map;

/** {@code proxy} devices of a VM. */
final class ProxySettings {

    private ProxySettings() {
    }

    /** A 400 naming the device when its settings are wrong. */
    static void validate(String name, Map<String, String> device, Map<String, Map<String, String>> devices) {
        throw ApiException.badRequest("Invalid devices: Device \"" + name
                + "\": proxy devices are not supported for virtual machines yet");
    }
}
