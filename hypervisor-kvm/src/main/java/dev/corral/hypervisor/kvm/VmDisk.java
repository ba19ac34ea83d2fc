package dev.corral.hypervisor.kvm;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A disk of a VM: the root disk, a host file or block device, or an ISO image as a CD-ROM.
 *
 * @param device the Incus device name (alias {@code ua-<name>} in the XML)
 * @param source the host file or block device
 * @param block whether {@code source} is a block device (else a regular file)
 * @param format {@code qcow2} or {@code raw}
 * @param media a disk or a CD-ROM
 * @param bus the bus it is attached to
 * @param readOnly whether the guest may not write to it (always for a CD-ROM)
 * @param cache QEMU's cache mode ({@code none}, {@code writeback}, {@code unsafe}), or null for libvirt's default
 * @param bootOrder the firmware's boot order, from 1
 */
public record VmDisk(String device, Path source, boolean block, String format, Media media, Bus bus,
        boolean readOnly, String cache, int bootOrder) {

    public VmDisk {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(media, "media");
        Objects.requireNonNull(bus, "bus");
        if (!format.equals("qcow2") && !format.equals("raw")) {
            throw new IllegalArgumentException("disk format " + format);
        }
        if (bootOrder < 1) {
            throw new IllegalArgumentException("boot order " + bootOrder);
        }
    }

    /** Whether {@code other} is this disk, but for the boot order (which only a start applies). */
    boolean sameExceptBootOrder(VmDisk other) {
        return equals(new VmDisk(other.device, other.source, other.block, other.format, other.media, other.bus,
                other.readOnly, other.cache, bootOrder));
    }

    public enum Media {
        DISK, CDROM
    }

    /** The buses of Incus's {@code io.bus}, with the libvirt bus and the guest device names of each. */
    public enum Bus {
        VIRTIO_BLK("virtio-blk", "virtio", "vd"),
        VIRTIO_SCSI("virtio-scsi", "scsi", "sd"),
        USB("usb", "usb", "sd"),
        /** libvirt 9 has no emulated NVMe disk: such disks are given to QEMU directly ({@link DiskXml}). */
        NVME("nvme", null, null);

        private final String incusName;
        private final String libvirtBus;
        private final String targetPrefix;

        Bus(String incusName, String libvirtBus, String targetPrefix) {
            this.incusName = incusName;
            this.libvirtBus = libvirtBus;
            this.targetPrefix = targetPrefix;
        }

        public String incusName() {
            return incusName;
        }

        String libvirtBus() {
            return libvirtBus;
        }

        String targetPrefix() {
            return targetPrefix;
        }

        /** The bus for an {@code io.bus} value, or null when there is none of that name. */
        static Bus of(String incusName) {
            for (Bus bus : values()) {
                if (bus.incusName.equals(incusName)) {
                    return bus;
                }
            }
            return null;
        }
    }
}
