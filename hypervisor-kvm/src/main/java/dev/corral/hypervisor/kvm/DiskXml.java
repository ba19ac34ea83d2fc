package dev.corral.hypervisor.kvm;

import static dev.corral.hypervisor.kvm.DomainXml.alias;
import static dev.corral.hypervisor.kvm.DomainXml.esc;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The disks of a domain: libvirt {@code <disk>} elements, named in the guest's order per bus ({@code vda},
 * {@code sda}...), and, for NVMe disks, which libvirt 9 cannot describe, QEMU arguments for an {@code nvme}
 * controller per disk.
 */
final class DiskXml {

    static final int FIRST_NVME_SLOT = 0x10;
    /** Slots 0x10 to 0x1a. */
    static final int MAX_NVME_DISKS = 11;

    private DiskXml() {
    }

    /** The {@code <controller>} and {@code <disk>} elements. */
    static void render(StringBuilder x, List<VmDisk> disks) {
        if (disks.stream().anyMatch(d -> d.bus() == VmDisk.Bus.VIRTIO_SCSI)) {
            x.append("    <controller type='scsi' index='0' model='virtio-scsi'/>\n");
        }
        Map<String, Integer> next = new HashMap<>();
        for (VmDisk disk : disks) {
            if (disk.bus() == VmDisk.Bus.NVME) {
                continue;
            }
            String prefix = disk.bus().targetPrefix();
            int index = next.merge(prefix, 1, Integer::sum) - 1;
            disk(x, disk, prefix + DomainXml.letters(index), true);
        }
    }

    /** One {@code <disk>}; without its boot order for a disk plugged into a running VM (libvirt checks clashes). */
    static void disk(StringBuilder x, VmDisk d, String target, boolean withBootOrder) {
        boolean cdrom = d.media() == VmDisk.Media.CDROM;
        x.append("    <disk type='").append(d.block() ? "block" : "file").append("' device='")
                .append(cdrom ? "cdrom" : "disk").append("'>\n");
        x.append("      <driver name='qemu' type='").append(d.format()).append('\'');
        if (d.cache() != null) {
            x.append(" cache='").append(d.cache()).append('\'');
        }
        if (!d.readOnly()) {
            x.append(" discard='unmap'");
        }
        x.append("/>\n");
        x.append("      <source ").append(d.block() ? "dev" : "file").append("='").append(esc(d.source()))
                .append("'/>\n");
        x.append("      <target dev='").append(target).append("' bus='").append(d.bus().libvirtBus())
                .append("'/>\n");
        if (d.readOnly()) {
            x.append("      <readonly/>\n");
        }
        if (withBootOrder) {
            x.append("      <boot order='").append(d.bootOrder()).append("'/>\n");
        }
        x.append("      <alias name='ua-").append(alias(d.device())).append("'/>\n");
        x.append("    </disk>\n");
    }

    /**
     * QEMU arguments for the NVMe disks: a drive and an {@code nvme} controller for each (serial: the device name,
     * as the guest's {@code /dev/disk/by-id} shows it; boot order: the same numbers libvirt gives its devices).
     * libvirt puts these arguments before its own devices, so each controller gets a fixed slot on the root complex
     * from {@link #FIRST_NVME_SLOT} on, where libvirt places nothing (its root ports fill slots 1, 2... and its chipset
     * devices sit at 0x1b to 0x1f).
     */
    static List<String> qemuArgs(List<VmDisk> disks) {
        List<String> args = new ArrayList<>();
        int slot = FIRST_NVME_SLOT;
        for (VmDisk d : disks) {
            if (d.bus() != VmDisk.Bus.NVME) {
                continue;
            }
            String id = "corral-ua-" + alias(d.device());
            StringBuilder drive = new StringBuilder("file=").append(d.source().toString().replace(",", ",,"))
                    .append(",if=none,id=").append(id).append(",format=").append(d.format());
            if (d.readOnly()) {
                drive.append(",readonly=on");
            } else {
                drive.append(",discard=unmap");
            }
            if (d.cache() != null) {
                drive.append(",cache=").append(d.cache());
            }
            String serial = alias(d.device());
            args.addAll(List.of("-drive", drive.toString(), "-device", "nvme,drive=" + id + ",serial="
                    + serial.substring(0, Math.min(20, serial.length())) + ",bootindex=" + d.bootOrder()
                    + ",bus=pcie.0,addr=0x" + Integer.toHexString(slot++)));
        }
        return args;
    }
}
