package dev.corral.hypervisor.kvm;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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
 * @param disks the root disk first, then the other disks in device-name order
 * @param nics network interfaces in device-name order
 * @param hostDevices host PCI and USB devices passed through
 * @param tpm the {@code tpm} device's name, or null for none
 * @param consoleLog the file the serial console is logged to (by virtlogd)
 * @param devices the instance's devices as configured, kept in the domain's metadata: what a running VM's device
 *     changes are computed against ({@link LiveDevices})
 */
public record DomainConfig(String name, String uuid, String title, Accelerator accelerator, long memoryBytes,
        long currentMemoryBytes, int vcpus, Firmware firmware, List<VmDisk> disks, List<VmNic> nics,
        List<HostDevice> hostDevices, String tpm, Path consoleLog, Map<String, Map<String, String>> devices) {

    public DomainConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(uuid, "uuid");
        Objects.requireNonNull(accelerator, "accelerator");
        Objects.requireNonNull(firmware, "firmware");
        Objects.requireNonNull(consoleLog, "consoleLog");
        disks = List.copyOf(disks);
        nics = List.copyOf(nics);
        hostDevices = List.copyOf(hostDevices);
        devices = Map.copyOf(devices);
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
}
