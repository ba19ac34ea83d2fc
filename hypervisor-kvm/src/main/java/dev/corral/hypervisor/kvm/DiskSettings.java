package dev.corral.hypervisor.kvm;

import dev.corral.api.ApiException;
import dev.corral.instance.DriverException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * What a {@code disk} device means for a VM. The root disk is the volume's image; any other disk's {@code source}
 * is a host file or block device given to the guest as it is (raw, never probed for a format, as Incus does), and a
 * file named {@code *.iso} is a CD-ROM. Directory shares and storage-pool volumes are not supported for VMs yet.
 */
final class DiskSettings {

    private static final Set<String> CACHE_MODES = Set.of("none", "writeback", "unsafe");

    private DiskSettings() {
    }

    /** The root disk: {@code image} (qcow2) on the device's {@code io.bus}. */
    static VmDisk root(String name, Map<String, String> device, Path image, int bootOrder) {
        VmDisk.Bus bus = bus(name, device, VmDisk.Media.DISK, VmDisk.Bus.VIRTIO_BLK);
        return new VmDisk(name, image, false, "qcow2", VmDisk.Media.DISK, bus, false, cache(name, device), bootOrder);
    }

    /** Any other disk; a 400 naming the device when its settings are wrong. */
    static VmDisk disk(String name, Map<String, String> device, int bootOrder) {
        String source = device.getOrDefault("source", "");
        if (device.get("pool") != null && !device.get("pool").isEmpty()) {
            throw invalid(name, "storage volumes can't be attached to virtual machines yet (use a host path as"
                    + " \"source\")");
        }
        if (source.isEmpty()) {
            throw invalid(name, "disk devices other than the root disk need a \"source\"");
        }
        Path path = Path.of(source);
        if (!path.isAbsolute()) {
            throw invalid(name, "\"source\" must be an absolute host path, not \"" + source + "\"");
        }
        if (Files.isDirectory(path)) {
            throw invalid(name, "directory shares are not supported for virtual machines");
        }
        if (device.get("size") != null) {
            throw invalid(name, "\"size\" applies to the root disk only");
        }
        VmDisk.Media media = source.endsWith(".iso") ? VmDisk.Media.CDROM : VmDisk.Media.DISK;
        boolean block = Files.exists(path) && !Files.isRegularFile(path);
        boolean readOnly = media == VmDisk.Media.CDROM || isTrue(name, device, "readonly");
        VmDisk.Bus bus = bus(name, device, media, VmDisk.Bus.VIRTIO_SCSI);
        return new VmDisk(name, path, block, "raw", media, bus, readOnly, cache(name, device), bootOrder);
    }

    /** Fails unless the disk's {@code source} exists: checked when the VM starts, as Incus does. */
    static void checkSource(VmDisk disk) {
        if (!Files.exists(disk.source())) {
            throw new DriverException("Failed to start device \"" + disk.device() + "\": Missing source path \""
                    + disk.source() + "\" for disk \"" + disk.device() + "\"");
        }
    }

    /** Corral's root disks have always been on virtio-blk; other disks and CD-ROMs go on virtio-scsi, as Incus's. */
    private static VmDisk.Bus bus(String name, Map<String, String> device, VmDisk.Media media,
            VmDisk.Bus defaultBus) {
        String value = device.getOrDefault("io.bus", "");
        if (value.isEmpty()) {
            return defaultBus;
        }
        VmDisk.Bus bus = VmDisk.Bus.of(value);
        if (bus == null) {
            throw invalid(name, "invalid io.bus \"" + value + "\" (nvme, virtio-blk, virtio-scsi or usb)");
        }
        if (media == VmDisk.Media.CDROM && bus != VmDisk.Bus.VIRTIO_SCSI && bus != VmDisk.Bus.USB) {
            throw invalid(name, "an ISO image is a CD-ROM, which needs io.bus virtio-scsi or usb, not \"" + value
                    + "\"");
        }
        return bus;
    }

    private static String cache(String name, Map<String, String> device) {
        String value = device.get("io.cache");
        if (value == null || value.isEmpty()) {
            return null;
        }
        if (!CACHE_MODES.contains(value)) {
            throw invalid(name, "invalid io.cache \"" + value + "\" (none, writeback or unsafe)");
        }
        return value;
    }

    private static boolean isTrue(String name, Map<String, String> device, String key) {
        String value = device.getOrDefault(key, "");
        return switch (value) {
            case "", "false", "0", "no", "off" -> false;
            case "true", "1", "yes", "on" -> true;
            default -> throw invalid(name, "invalid " + key + " \"" + value + "\" (true or false)");
        };
    }

    private static ApiException invalid(String name, String problem) {
        return VmSettings.invalidDevice(name, problem);
    }
}
