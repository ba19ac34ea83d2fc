package dev.corral.instance;

import dev.corral.api.ApiException;
import java.util.Map;
import java.util.Set;

/** Device validation shared by both drivers: which device types and keys Corral understands. */
public final class Devices {

    /** Incus's keys per device type (each driver decides which it supports and how). */
    private static final Map<String, Set<String>> KEYS_BY_TYPE = Map.of(
            "disk", Set.of("type", "path", "pool", "source", "size", "readonly", "boot.priority", "io.bus",
                    "io.cache"),
            "nic", Set.of("type", "nictype", "network", "parent", "name", "hwaddr", "mtu", "host_name", "vlan",
                    "boot.priority", "ipv4.address", "ipv6.address", "mode"),
            "tpm", Set.of("type", "path", "pathrm"),
            "gpu", Set.of("type", "gputype", "id", "pci", "vendorid", "productid"),
            "pci", Set.of("type", "address"),
            "usb", Set.of("type", "vendorid", "productid", "busnum", "devnum", "serial", "required"),
            "proxy", Set.of("type", "listen", "connect", "bind", "nat", "mode", "uid", "gid", "security.uid",
                    "security.gid", "proxy_protocol"),
            "none", Set.of("type"));

    private Devices() {
    }

    /** Throws a 400 naming the device and the problem. */
    public static void validate(Map<String, Map<String, String>> devices) {
        for (Map.Entry<String, Map<String, String>> device : devices.entrySet()) {
            String name = device.getKey();
            Map<String, String> config = device.getValue();
            String type = config == null ? null : config.get("type");
            if (type == null || type.isEmpty()) {
                throw ApiException.badRequest("Invalid devices: Device \"" + name + "\" has no type");
            }
            Set<String> keys = KEYS_BY_TYPE.get(type);
            if (keys == null) {
                throw ApiException.badRequest("Invalid devices: Device \"" + name + "\": unsupported type \""
                        + type + "\"");
            }
            for (String key : config.keySet()) {
                if (!keys.contains(key) && !key.startsWith("user.")) {
                    throw ApiException.badRequest("Invalid devices: Device \"" + name + "\": unknown key \"" + key
                            + "\"");
                }
            }
            if (type.equals("disk") && isEmpty(config.get("path")) && isEmpty(config.get("source"))) {
                throw ApiException.badRequest("Invalid devices: Device \"" + name
                        + "\": disk devices need a path (or, for virtual machines, a source)");
            }
        }
    }

    private static boolean isEmpty(String value) {
        return value == null || value.isEmpty();
    }

    /** The name of the root disk device (path "/"), or null. */
    public static String rootDiskName(Map<String, Map<String, String>> devices) {
        for (Map.Entry<String, Map<String, String>> device : devices.entrySet()) {
            if ("disk".equals(device.getValue().get("type")) && "/".equals(device.getValue().get("path"))) {
                return device.getKey();
            }
        }
        return null;
    }
}
