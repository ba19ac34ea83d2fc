package dev.corral.hypervisor.kvm;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Everything a libvirt domain of Corral is made of, resolved: what {@link DomainXml} renders. Built from an
 * instance's spec by {@link VmSettings}.
 *
 * @param name the libvirt domain name (the driver's prefix + the instance's backend name)
 * @param uuid the domain's UUID (stable per instance)
 * @param title shown by {@code virsh list --title}: the instance as Corral knows it
 * @param accelerator {@code kvm} or {@code tcg}
 * @param memoryBytes the memory the VM starts with (also its maximum)
 * @param currentMemoryBytes the balloon target at start, at most {@code memoryBytes}
 * @param vcpus number of virtual CPUs
 * @param firmware the UEFI firmware
 * @param disks the root disk first
 * @param nics network interfaces (rendered only; Corral manages no networks for VMs yet)
 * @param consoleLog the file the serial console is logged to (by virtlogd)
 */
public record DomainConfig(String name, String uuid, String title, Accelerator accelerator, long memoryBytes,
        long currentMemoryBytes, int vcpus, Firmware firmware, List<Disk> disks, List<Nic> nics, Path consoleLog) {

    public DomainConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(uuid, "uuid");
        Objects.requireNonNull(accelerator, "accelerator");
        Objects.requireNonNull(firmware, "firmware");
        Objects.requireNonNull(consoleLog, "consoleLog");
        disks = List.copyOf(disks);
        nics = List.copyOf(nics);
        if (memoryBytes < 1024 * 1024 || currentMemoryBytes > memoryBytes || currentMemoryBytes <= 0) {
            throw new IllegalArgumentException("memory " + currentMemoryBytes + "/" + memoryBytes);
        }
        if (vcpus < 1) {
            throw new IllegalArgumentException("vcpus " + vcpus);
        }
    }

    /** How guest code runs: hardware virtualisation ({@code /dev/kvm}) or QEMU's emulator. */
    public enum Accelerator {
        KVM("kvm"), TCG("qemu");

        private final String domainType;

        Accelerator(String domainType) {
            this.domainType = domainType;
        }

        /** The {@code <domain type=...>} value. */
        public String domainType() {
            return domainType;
        }
    }

    /**
     * UEFI firmware: read-only code, and the VM's own variable store made from a template on first start.
     *
     * @param secureBoot whether the firmware enforces Secure Boot (needs SMM and the secure-boot build of the code)
     */
    public record Firmware(Path code, Path varsTemplate, Path nvram, boolean secureBoot) {
        public Firmware {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(varsTemplate, "varsTemplate");
            Objects.requireNonNull(nvram, "nvram");
        }
    }

    /**
     * A disk backed by a file.
     *
     * @param device the Incus device name (alias {@code ua-<name>} in the XML)
     * @param format {@code qcow2} or {@code raw}
     * @param bus {@code virtio} (virtio-blk) or {@code scsi} (virtio-scsi)
     * @param bootOrder 1 for the first boot disk, 0 for none
     */
    public record Disk(String device, Path source, String format, String bus, boolean readOnly, int bootOrder) {
        public Disk {
            Objects.requireNonNull(device, "device");
            Objects.requireNonNull(source, "source");
            if (!format.equals("qcow2") && !format.equals("raw")) {
                throw new IllegalArgumentException("disk format " + format);
            }
            if (!bus.equals("virtio") && !bus.equals("scsi")) {
                throw new IllegalArgumentException("disk bus " + bus);
            }
        }
    }

    /**
     * A network interface.
     *
     * @param device the Incus device name
     * @param mac the MAC address, or null to let libvirt choose
     * @param bridge the host bridge it is plugged into ({@code nictype: bridged}, {@code parent}), or null
     * @param network the libvirt network ({@code network}), or null; exactly one of bridge and network is set
     * @param mtu 0 for the default
     */
    public record Nic(String device, String mac, String bridge, String network, int mtu) {
        public Nic {
            Objects.requireNonNull(device, "device");
            if ((bridge == null) == (network == null)) {
                throw new IllegalArgumentException("a nic needs exactly one of bridge and network");
            }
        }
    }
}
