package dev.corral.hypervisor.kvm;

import dev.corral.api.ApiException;
import java.util.Map;

/** What a {@code nic} device means for a VM: bridged to a host bridge, or on a libvirt network. */
final class NicSettings {

    private NicSettings() {
    }

    /** The interface; a 400 naming the device when its settings are wrong. */
    static VmNic nic(String name, Map<String, String> device, int bootOrder) {
        String nictype = device.getOrDefault("nictype", "");
        String network = device.get("network");
        String parent = device.get("parent");
        String mac = device.get("hwaddr");
        if (mac != null && !mac.matches("(?i)([0-9a-f]{2}:){5}[0-9a-f]{2}")) {
            throw invalid(name, "invalid hwaddr \"" + mac + "\"");
        }
        int mtu = 0;
        if (device.get("mtu") != null) {
            try {
                mtu = Integer.parseInt(device.get("mtu"));
            } catch (NumberFormatException e) {
                mtu = -1;
            }
            if (mtu < 68 || mtu > 65535) {
                throw invalid(name, "invalid mtu \"" + device.get("mtu") + "\"");
            }
        }
        if (network != null && !network.isEmpty()) {
            return new VmNic(name, mac, VmNic.Kind.NETWORK, network, mtu, bootOrder);
        }
        if ((nictype.equals("bridged") || nictype.isEmpty()) && parent != null && !parent.isEmpty()) {
            return new VmNic(name, mac, VmNic.Kind.BRIDGE, parent, mtu, bootOrder);
        }
        throw invalid(name, "a nic needs \"network\", or \"nictype: bridged\" with \"parent\"");
    }

    private static ApiException invalid(String name, String problem) {
        return DiskSettings.invalid(name, problem);
    }
}
