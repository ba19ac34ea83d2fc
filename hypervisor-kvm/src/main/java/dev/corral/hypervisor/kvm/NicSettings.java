package dev.corral.hypervisor.kvm;

import dev.corral.api.ApiException;
import dev.corral.instance.DriverException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a {@code nic} device means for a VM: {@code nictype: bridged} plugs it into a host bridge, {@code macvlan}
 * puts it on a host interface as a macvlan (libvirt's {@code direct} interface, mode bridge). Corral manages no
 * networks yet, so {@code network} names one that does not exist.
 */
final class NicSettings {

    /** Where the host's network interfaces are listed ({@code /sys/class/net}). */
    static final Path SYS_CLASS_NET = Path.of("/sys/class/net");

    private NicSettings() {
    }

    /** The interface; a 400 naming the device when its settings are wrong. */
    static VmNic nic(String name, Map<String, String> device, int bootOrder) {
        String network = device.getOrDefault("network", "");
        if (!network.isEmpty()) {
            throw ApiException.badRequest("Failed loading device \"" + name + "\": Failed to load network \""
                    + network + "\" for project \"default\": Network not found");
        }
        String nictype = device.getOrDefault("nictype", "");
        VmNic.Kind kind = switch (nictype) {
            case "bridged" -> VmNic.Kind.BRIDGE;
            case "macvlan" -> VmNic.Kind.MACVLAN;
            case "" -> throw invalid(name, "Missing nic type (nictype bridged or macvlan, or a network)");
            default -> throw invalid(name, "Unsupported nic type \"" + nictype + "\" (bridged or macvlan)");
        };
        String parent = device.getOrDefault("parent", "");
        if (parent.isEmpty()) {
            throw invalid(name, "Missing \"parent\" (the host " + (kind == VmNic.Kind.BRIDGE ? "bridge" : "interface")
                    + ")");
        }
        checkInterfaceName(name, "parent", parent);
        String hostName = device.get("host_name");
        if (hostName != null && !hostName.isEmpty()) {
            if (kind == VmNic.Kind.MACVLAN) {
                throw invalid(name, "\"host_name\" applies to bridged nics only");
            }
            checkInterfaceName(name, "host_name", hostName);
        } else {
            hostName = null;
        }
        for (String key : new String[] {"ipv4.address", "ipv6.address"}) {
            String address = device.getOrDefault(key, "");
            if (address.isEmpty()) {
                continue;
            }
            if (kind == VmNic.Kind.MACVLAN) {
                throw invalid(name, "\"" + key + "\" applies to bridged nics only");
            }
            boolean v4 = key.startsWith("ipv4");
            java.net.InetAddress ip = IpLiteral.parse(address);
            if (ip == null || v4 != ip instanceof java.net.Inet4Address) {
                throw invalid(name, "Invalid value for device option \"" + key + "\": Not an IPv" + (v4 ? 4 : 6)
                        + " address \"" + address + "\"");
            }
        }
        if (device.get("vlan") != null && !device.get("vlan").isEmpty()) {
            throw invalid(name, "\"vlan\" is not supported for virtual machines yet");
        }
        String mac = device.get("hwaddr");
        if (mac != null && mac.isEmpty()) {
            mac = null;
        }
        if (mac != null && !mac.matches("(?i)([0-9a-f]{2}:){5}[0-9a-f]{2}")) {
            throw invalid(name, "Invalid value for device option \"hwaddr\": Invalid MAC address \"" + mac + "\"");
        }
        int mtu = 0;
        if (device.get("mtu") != null && !device.get("mtu").isEmpty()) {
            try {
                mtu = Integer.parseInt(device.get("mtu"));
            } catch (NumberFormatException e) {
                mtu = -1;
            }
            if (mtu < 68 || mtu > 65535) {
                throw invalid(name, "Invalid value for device option \"mtu\": \"" + device.get("mtu")
                        + "\" (68 to 65535)");
            }
        }
        return new VmNic(name, mac, kind, parent, hostName, mtu, bootOrder);
    }

    /**
     * Fails unless the nic's parent exists on the host (and is a bridge for a bridged nic): checked when the VM
     * starts or the nic is plugged in, as Incus does.
     */
    static void checkParent(VmNic nic, Path sysClassNet) {
        Path parent = sysClassNet.resolve(nic.source());
        if (!Files.exists(parent)) {
            throw new DriverException("Failed to start device \"" + nic.device() + "\": Parent device \""
                    + nic.source() + "\" doesn't exist");
        }
        if (nic.kind() == VmNic.Kind.BRIDGE && !Files.isDirectory(parent.resolve("bridge"))) {
            throw new DriverException("Failed to start device \"" + nic.device() + "\": \"" + nic.source()
                    + "\" is not a bridge");
        }
    }

    /** Linux interface names: 1 to 15 characters, none of them '/', ':' or white space. */
    private static void checkInterfaceName(String device, String key, String value) {
        if (value.length() > 15 || value.equals(".") || value.equals("..") || !value.matches("[^/:\\s]+")) {
            throw invalid(device, "Invalid value for device option \"" + key + "\": Invalid interface name \""
                    + value + "\"");
        }
    }

    private static ApiException invalid(String name, String problem) {
        return VmSettings.invalidDevice(name, problem);
    }
}
