package dev.corral.hypervisor.kvm;

import dev.corral.api.ApiException;
import dev.corral.instance.Devices;
import dev.corral.instance.InstanceConfigKeys;
import dev.corral.instance.InstanceSpec;
import dev.corral.instance.Sizes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What a VM instance's configuration means for its domain: memory, vCPUs, disks, firmware. Bad values are the
 * user's: they are refused with a 400 ({@link ApiException}) naming the key, as Incus does.
 */
public final class VmSettings {

    /** Incus's default memory for a VM without {@code limits.memory}. */
    public static final long DEFAULT_MEMORY = 1L << 30;
    /** The root disk's size when its device sets none (Incus's default for VMs). */
    public static final long DEFAULT_ROOT_SIZE = 10L << 30;
    /** The smallest root disk Corral makes for a VM. */
    public static final long MIN_ROOT_SIZE = 5L << 30;
    /** The file name of the root disk inside the instance's volume (as the dir pool makes it). */
    public static final String ROOT_DISK = "root.img";
    /** The UEFI variable store inside the instance's volume. */
    public static final String NVRAM = "qemu.nvram";

    static final Path OVMF = Path.of("/usr/share/OVMF");

    private VmSettings() {
    }

    /** The domain for {@code spec}, named {@code domainName}, run with {@code accelerator}. */
    public static DomainConfig domain(InstanceSpec spec, String domainName, DomainConfig.Accelerator accelerator) {
        long memory = memory(spec.config());
        boolean secureBoot = InstanceConfigKeys.isTrue(spec.config().get("security.secureboot"));
        DomainConfig.Firmware firmware = new DomainConfig.Firmware(
                OVMF.resolve(secureBoot ? "OVMF_CODE_4M.secboot.fd" : "OVMF_CODE_4M.fd"),
                OVMF.resolve(secureBoot ? "OVMF_VARS_4M.ms.fd" : "OVMF_VARS_4M.fd"),
                spec.volume().resolve(NVRAM), secureBoot);
        String root = Devices.rootDiskName(spec.devices());
        List<DomainConfig.Disk> disks = new ArrayList<>();
        disks.add(new DomainConfig.Disk(root == null ? "root" : root, spec.volume().resolve(ROOT_DISK), "qcow2",
                bus(root == null ? Map.of() : spec.devices().get(root)), false, 1));
        List<DomainConfig.Nic> nics = new ArrayList<>();
        spec.devices().forEach((name, device) -> {
            if ("nic".equals(device.get("type"))) {
                nics.add(nic(name, device));
            }
        });
        nics.sort(java.util.Comparator.comparing(DomainConfig.Nic::device));
        return new DomainConfig(domainName, uuid(domainName), spec.ref().project() + "/" + spec.ref().name(), accelerator,
                memory, memory, vcpus(spec.config()), firmware, disks, nics, spec.logDir().resolve("console.log"));
    }

    /** {@code limits.memory}: bytes or a percentage of the host's memory; 1 GiB when unset. */
    public static long memory(Map<String, String> config) {
        String value = config.get("limits.memory");
        if (value == null || value.isEmpty()) {
            return DEFAULT_MEMORY;
        }
        long bytes;
        if (value.endsWith("%")) {
            double percent = parsePercent(value);
            bytes = (long) (hostMemory() * percent / 100);
        } else {
            bytes = Sizes.parseBytes(value);
        }
        if (bytes < (32L << 20)) {
            throw ApiException.badRequest("Invalid config: limits.memory \"" + value
                    + "\" is too small for a virtual machine (at least 32MiB)");
        }
        return bytes / (1L << 20) * (1L << 20);
    }

    /** {@code limits.cpu}: a count ({@code 2}) or a set of host CPUs ({@code 0-1,3}) whose size is the count. */
    public static int vcpus(Map<String, String> config) {
        String value = config.get("limits.cpu");
        if (value == null || value.isEmpty()) {
            return 1;
        }
        try {
            if (value.matches("\\d+")) {
                int n = Integer.parseInt(value);
                if (n >= 1 && n <= 255) {
                    return n;
                }
            } else {
                int count = 0;
                for (String part : value.split(",")) {
                    String[] range = part.split("-");
                    int from = Integer.parseInt(range[0]);
                    int to = range.length > 1 ? Integer.parseInt(range[1]) : from;
                    if (to < from) {
                        throw new NumberFormatException();
                    }
                    count += to - from + 1;
                }
                if (count <= 255) {
                    return count;
                }
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw ApiException.badRequest("Invalid config: Invalid value for limits.cpu \"" + value + "\"");
    }

    /** The root disk's {@code size} (10 GiB when unset); a 400 when it is not a size or below 5 GiB. */
    public static long rootSize(Map<String, Map<String, String>> devices) {
        String root = Devices.rootDiskName(devices);
        String value = root == null ? null : devices.get(root).get("size");
        if (value == null || value.isEmpty()) {
            return DEFAULT_ROOT_SIZE;
        }
        long bytes = Sizes.parseBytes(value);
        if (bytes < 0) {
            throw ApiException.badRequest("Invalid devices: Device \"" + root + "\": invalid size \"" + value + "\"");
        }
        if (bytes < MIN_ROOT_SIZE) {
            throw ApiException.badRequest("Invalid devices: Device \"" + root + "\": size \"" + value
                    + "\" is below the minimum of 5GiB for a virtual machine's root disk");
        }
        return bytes;
    }

    /** Checks everything {@link #domain} would refuse, without building anything (for a synchronous 400). */
    public static void validate(Map<String, String> config, Map<String, Map<String, String>> devices) {
        memory(config);
        vcpus(config);
        rootSize(devices);
        String root = Devices.rootDiskName(devices);
        if (root != null) {
            bus(devices.get(root));
        }
        devices.forEach((name, device) -> {
            if ("nic".equals(device.get("type"))) {
                nic(name, device);
            }
        });
    }

    private static String bus(Map<String, String> disk) {
        String bus = disk.getOrDefault("io.bus", "");
        return switch (bus) {
            case "", "virtio-blk" -> "virtio";
            case "virtio-scsi" -> "scsi";
            default -> throw ApiException.badRequest("Invalid devices: io.bus \"" + bus
                    + "\" is not supported (virtio-blk or virtio-scsi)");
        };
    }

    private static DomainConfig.Nic nic(String name, Map<String, String> device) {
        String nictype = device.getOrDefault("nictype", "");
        String network = device.get("network");
        String parent = device.get("parent");
        String mac = device.get("hwaddr");
        if (mac != null && !mac.matches("(?i)([0-9a-f]{2}:){5}[0-9a-f]{2}")) {
            throw ApiException.badRequest("Invalid devices: Device \"" + name + "\": invalid hwaddr \"" + mac + "\"");
        }
        int mtu = 0;
        if (device.get("mtu") != null) {
            try {
                mtu = Integer.parseInt(device.get("mtu"));
            } catch (NumberFormatException e) {
                mtu = -1;
            }
            if (mtu < 68 || mtu > 65535) {
                throw ApiException.badRequest("Invalid devices: Device \"" + name + "\": invalid mtu \""
                        + device.get("mtu") + "\"");
            }
        }
        if (network != null && !network.isEmpty()) {
            return new DomainConfig.Nic(name, mac, null, network, mtu);
        }
        if ((nictype.equals("bridged") || nictype.isEmpty()) && parent != null && !parent.isEmpty()) {
            return new DomainConfig.Nic(name, mac, parent, null, mtu);
        }
        throw ApiException.badRequest("Invalid devices: Device \"" + name
                + "\": a nic needs \"network\", or \"nictype: bridged\" with \"parent\"");
    }

    private static double parsePercent(String value) {
        try {
            double percent = Double.parseDouble(value.substring(0, value.length() - 1));
            if (percent > 0 && percent <= 100) {
                return percent;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw ApiException.badRequest("Invalid config: Invalid value for limits.memory \"" + value + "\"");
    }

    private static long hostMemory() {
        try {
            for (String line : java.nio.file.Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (java.io.IOException | NumberFormatException e) {
            // below
        }
        return DEFAULT_MEMORY;
    }

    /** A UUID stable for a domain name (a renamed instance is a new domain with a new one). */
    static String uuid(String domainName) {
        return UUID.nameUUIDFromBytes(("corral:" + domainName).getBytes(StandardCharsets.UTF_8)).toString();
    }
}
