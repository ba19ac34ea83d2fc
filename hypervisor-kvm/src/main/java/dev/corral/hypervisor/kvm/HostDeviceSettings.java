package dev.corral.hypervisor.kvm;

import dev.corral.api.ApiException;
import dev.corral.instance.DriverException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What {@code gpu}, {@code pci} and {@code usb} devices mean for a VM: host devices passed through (libvirt binds
 * PCI devices to vfio-pci itself, {@code managed='yes'}). Settings are checked when the configuration changes
 * (400s, Incus's messages); whether the host has the device is checked in sysfs when the VM starts.
 */
final class HostDeviceSettings {

    static final Path SYS = Path.of("/sys");
    private static final String PCI_ADDRESS = "(?:[0-9a-fA-F]{4}:)?[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\\.[0-7]";
    private static final String DEVICE_ID = "[0-9a-fA-F]{4}";

    private HostDeviceSettings() {
    }

    /** The host device for {@code device}, looked up in {@code sys}; a 400 naming it when its settings are wrong. */
    static HostDevice hostDevice(String name, Map<String, String> device, Path sys) {
        return switch (device.get("type")) {
            case "pci" -> pci(name, device, sys);
            case "gpu" -> gpu(name, device, sys);
            case "usb" -> usb(name, device, sys);
            default -> throw new IllegalArgumentException("not a host device: " + device.get("type"));
        };
    }

    /** Fails the start for a device the host cannot give; a USB device that is not required is left out. */
    static void checkAvailable(HostDevice device) {
        if (device.unavailable() != null && device.required()) {
            throw new DriverException("Failed to start device \"" + device.device() + "\": " + device.unavailable());
        }
    }

    private static HostDevice pci(String name, Map<String, String> device, Path sys) {
        String address = pciAddress(name, "address", device.getOrDefault("address", ""));
        if (address == null) {
            throw invalid(name, "Missing device option \"address\"");
        }
        String unavailable = Files.isDirectory(pciDevices(sys).resolve(address)) ? null
                : "Failed to get PCI device info for \"" + address + "\": no such device";
        return new HostDevice(name, HostDevice.Kind.PCI, address, null, null, 0, 0, true, unavailable);
    }

    /** A physical GPU: selected by {@code pci}, DRM card {@code id}, or {@code vendorid}/{@code productid}. */
    private static HostDevice gpu(String name, Map<String, String> device, Path sys) {
        String gputype = device.getOrDefault("gputype", "physical");
        if (!gputype.equals("physical") && !gputype.isEmpty()) {
            throw invalid(name, "gputype \"" + gputype + "\" is not supported for virtual machines yet (physical)");
        }
        String pci = pciAddress(name, "pci", device.getOrDefault("pci", ""));
        String id = device.getOrDefault("id", "");
        String vendor = deviceId(name, "vendorid", device.getOrDefault("vendorid", ""));
        String product = deviceId(name, "productid", device.getOrDefault("productid", ""));
        if (pci != null) {
            for (String field : List.of("id", "productid", "vendorid")) {
                if (!device.getOrDefault(field, "").isEmpty()) {
                    throw invalid(name, "Cannot use \"" + field + "\" when \"pci\" is set");
                }
            }
        }
        if (!id.isEmpty()) {
            if (!id.matches("\\d+")) {
                throw invalid(name, "Invalid value for device option \"id\": \"" + id + "\" is not a DRM card id");
            }
            for (String field : List.of("pci", "productid", "vendorid")) {
                if (!device.getOrDefault(field, "").isEmpty()) {
                    throw invalid(name, "Cannot use \"" + field + "\" when \"id\" is set");
                }
            }
        }
        List<String> matches = new ArrayList<>();
        for (Path card : listing(pciDevices(sys))) {
            String address = card.getFileName().toString();
            if (!read(card.resolve("class")).startsWith("0x03")
                    || pci != null && !address.equals(pci)
                    || vendor != null && !read(card.resolve("vendor")).equals("0x" + vendor)
                    || product != null && !read(card.resolve("device")).equals("0x" + product)
                    || !id.isEmpty() && !Files.exists(card.resolve("drm/card" + id))) {
                continue;
            }
            matches.add(address);
        }
        String unavailable = matches.isEmpty() ? "Failed to detect requested GPU device"
                : matches.size() > 1 ? "VMs cannot match multiple GPUs per device" : null;
        return new HostDevice(name, HostDevice.Kind.PCI, matches.size() == 1 ? matches.get(0) : null, null, null, 0,
                0, true, unavailable);
    }

    /** A USB device by {@code vendorid}/{@code productid} and optionally {@code busnum}/{@code devnum}. */
    private static HostDevice usb(String name, Map<String, String> device, Path sys) {
        String vendor = deviceId(name, "vendorid", device.getOrDefault("vendorid", ""));
        String product = deviceId(name, "productid", device.getOrDefault("productid", ""));
        int bus = number(name, "busnum", device.getOrDefault("busnum", ""));
        int dev = number(name, "devnum", device.getOrDefault("devnum", ""));
        if ((vendor == null || product == null) && (bus == 0 || dev == 0)) {
            throw invalid(name, "a USB device for a virtual machine needs \"vendorid\" and \"productid\", or"
                    + " \"busnum\" and \"devnum\"");
        }
        String required = device.getOrDefault("required", "");
        if (!required.matches("|true|false|1|0|yes|no|on|off")) {
            throw invalid(name, "Invalid value for device option \"required\": \"" + required + "\"");
        }
        boolean found = false;
        for (Path usb : listing(sys.resolve("bus/usb/devices"))) {
            found |= (vendor == null || read(usb.resolve("idVendor")).equalsIgnoreCase(vendor))
                    && (product == null || read(usb.resolve("idProduct")).equalsIgnoreCase(product))
                    && (bus == 0 || read(usb.resolve("busnum")).equals(Integer.toString(bus)))
                    && (dev == 0 || read(usb.resolve("devnum")).equals(Integer.toString(dev)))
                    && Files.exists(usb.resolve("idVendor"));
        }
        return new HostDevice(name, HostDevice.Kind.USB, null, vendor, product, bus, dev,
                required.matches("true|1|yes|on"), found ? null : "Required USB device not found");
    }

    /** The address in its long form ({@code 01:00.0} becomes {@code 0000:01:00.0}), or null when empty. */
    private static String pciAddress(String name, String key, String value) {
        if (value.isEmpty()) {
            return null;
        }
        if (!value.matches(PCI_ADDRESS)) {
            throw invalid(name, "Invalid value for device option \"" + key + "\": Invalid PCI address \"" + value
                    + "\"");
        }
        return (value.length() == 7 ? "0000:" + value : value).toLowerCase(java.util.Locale.ROOT);
    }

    private static String deviceId(String name, String key, String value) {
        if (value.isEmpty()) {
            return null;
        }
        if (!value.matches(DEVICE_ID)) {
            throw invalid(name, "Invalid value for device option \"" + key + "\": Invalid device ID \"" + value
                    + "\" (4 hexadecimal digits)");
        }
        return value.toLowerCase(java.util.Locale.ROOT);
    }

    private static int number(String name, String key, String value) {
        if (value.isEmpty()) {
            return 0;
        }
        try {
            int n = Integer.parseInt(value);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw invalid(name, "Invalid value for device option \"" + key + "\": \"" + value + "\"");
    }

    private static Path pciDevices(Path sys) {
        return sys.resolve("bus/pci/devices");
    }

    private static List<Path> listing(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** A sysfs attribute, trimmed; "" when it cannot be read. */
    private static String read(Path attribute) {
        try {
            return Files.readString(attribute).trim();
        } catch (IOException e) {
            return "";
        }
    }

    private static ApiException invalid(String name, String problem) {
        return VmSettings.invalidDevice(name, problem);
    }
}
