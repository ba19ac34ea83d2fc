package dev.corral.hypervisor.kvm;

import dev.corral.api.ApiException;
import dev.corral.instance.Devices;
import dev.corral.instance.InstanceConfigKeys;
import dev.corral.instance.InstanceSpec;
import dev.corral.instance.Sizes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * What a VM instance's configuration means for its domain: memory, vCPUs, firmware and devices (each kind read by
 * its own class: {@link DiskSettings}, {@link NicSettings}, {@link HostDeviceSettings}, {@link ProxySettings}). Bad
 * values are the user's: they are refused with a 400 ({@link ApiException}) naming the key, as Incus does.
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
        DeviceSet devices = devices(spec.devices(), spec.volume().resolve(ROOT_DISK));
        return new DomainConfig(domainName, uuid(domainName), spec.ref().project() + "/" + spec.ref().name(),
                accelerator, memory, memory, vcpus(spec.config()), firmware, devices.disks, devices.nics,
                devices.hostDevices, devices.tpm, spec.logDir().resolve("console.log"), spec.devices());
    }

    /** The devices of a domain, each checked. */
    private record DeviceSet(List<VmDisk> disks, List<VmNic> nics, List<HostDevice> hostDevices, String tpm) {
    }

    /**
     * Every device of the instance as the domain has it; a 400 naming the first that is wrong or that VMs cannot
     * have. The root disk comes first; the rest are in device-name order, so the guest sees the same order at each
     * boot.
     */
    private static DeviceSet devices(Map<String, Map<String, String>> config, Path rootImage) {
        Map<String, Integer> boot = bootOrders(config);
        List<VmDisk> disks = new ArrayList<>();
        List<VmNic> nics = new ArrayList<>();
        List<HostDevice> hostDevices = new ArrayList<>();
        String tpm = null;
        String root = Devices.rootDiskName(config);
        disks.add(DiskSettings.root(root == null ? "root" : root, root == null ? Map.of() : config.get(root),
                rootImage, boot.getOrDefault(root, 1)));
        for (Map.Entry<String, Map<String, String>> entry : new TreeMap<>(config).entrySet()) {
            String name = entry.getKey();
            Map<String, String> device = entry.getValue();
            switch (device.getOrDefault("type", "")) {
                case "disk" -> {
                    if (!name.equals(root)) {
                        disks.add(DiskSettings.disk(name, device, boot.get(name)));
                    }
                }
                case "nic" -> nics.add(NicSettings.nic(name, device, boot.get(name)));
                case "gpu", "pci", "usb" -> hostDevices.add(HostDeviceSettings.hostDevice(name, device, HostDeviceSettings.SYS));
                case "tpm" -> {
                    if (tpm != null) {
                        throw invalidDevice(name, "a virtual machine has at most one tpm device (\"" + tpm
                                + "\" is one)");
                    }
                    tpm = name;
                }
                case "proxy" -> ProxySettings.validate(name, device, config);
                case "none" -> {
                }
                default -> throw invalidDevice(name, "type \"" + device.get("type")
                        + "\" is not supported for virtual machines");
            }
        }
        if (disks.stream().filter(d -> d.bus() == VmDisk.Bus.NVME).count() > DiskXml.MAX_NVME_DISKS) {
            throw ApiException.badRequest("Invalid devices: a virtual machine has at most " + DiskXml.MAX_NVME_DISKS
                    + " disks on io.bus nvme");
        }
        return new DeviceSet(disks, nics, hostDevices, tpm);
    }

    /**
     * The firmware's boot order of each disk and nic, as Incus numbers it: by {@code boot.priority}, highest first
     * (the root disk counts as 1 when it sets none, anything else as 0), ties in device-name order.
     */
    static Map<String, Integer> bootOrders(Map<String, Map<String, String>> devices) {
        List<Map.Entry<String, Integer>> priorities = new ArrayList<>();
        for (Map.Entry<String, Map<String, String>> entry : new TreeMap<>(devices).entrySet()) {
            Map<String, String> device = entry.getValue();
            String type = device.getOrDefault("type", "");
            if (!type.equals("disk") && !type.equals("nic")) {
                continue;
            }
            String value = device.getOrDefault("boot.priority", "");
            int priority;
            if (!value.isEmpty()) {
                try {
                    priority = Integer.parseInt(value);
                } catch (NumberFormatException e) {
                    priority = -1;
                }
                if (priority < 0) {
                    throw invalidDevice(entry.getKey(), "invalid boot.priority \"" + value
                            + "\" (a number, highest boots first)");
                }
            } else {
                priority = "/".equals(device.get("path")) ? 1 : 0;
            }
            priorities.add(Map.entry(entry.getKey(), priority));
        }
        priorities.sort(Map.Entry.<String, Integer>comparingByValue().reversed()); // stable: ties keep name order
        Map<String, Integer> orders = new HashMap<>();
        for (int i = 0; i < priorities.size(); i++) {
            orders.put(priorities.get(i).getKey(), i + 1);
        }
        return orders;
    }

    /** The 400 for a device whose settings are wrong, as Incus words it. */
    static ApiException invalidDevice(String name, String problem) {
        return ApiException.badRequest("Invalid devices: Device \"" + name + "\": " + problem);
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
        devices(devices, Path.of("/"));
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
