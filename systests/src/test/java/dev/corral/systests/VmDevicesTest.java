package dev.corral.systests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A VM's devices through the real {@code incus} CLI, seen from inside a real guest: a host file on virtio-scsi,
 * another on NVMe, an ISO image as a CD-ROM the guest mounts and one it boots from, the root disk on each bus, a TPM
 * emulated by swtpm, a disk plugged in and out of the running VM; and the errors for bad settings, for a TPM removed
 * from a running VM, for a disk source that is gone and for passthrough devices this host does not have.
 */
class VmDevicesTest {

    @RegisterExtension
    static final Corrald corrald = Corrald.create();

    private static IncusCli incus;
    private static String name;

    @BeforeAll
    static void cli() throws Exception {
        incus = VmGuests.cli(corrald);
        name = "vmdev-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @AfterAll
    static void cleanup() throws Exception {
        if (incus != null) {
            incus.run("delete", "--force", name);
            incus.close();
        }
    }

    @Test
    void disksCdromAndTpmInsideTheGuest(@TempDir Path dir) throws Exception {
        Path data = image(dir.resolve("data.img"), "corral-scsi-disk");
        Path fast = image(dir.resolve("fast.img"), "corral-nvme-disk");
        Path isoRoot = Files.createDirectories(dir.resolve("iso"));
        Files.writeString(isoRoot.resolve("hello.txt"), "hello from the cdrom\n");
        Path iso = dir.resolve("tools.iso");
        run("genisoimage", "-quiet", "-V", "CORRAL", "-o", iso.toString(), isoRoot.toString());

        incus.run("init", "--vm", "busybox-vm", name).assertSuccess();
        incus.run("config", "device", "add", name, "data", "disk", "source=" + data).assertSuccess();
        incus.run("config", "device", "add", name, "fast", "disk", "source=" + fast, "io.bus=nvme").assertSuccess();
        incus.run("config", "device", "add", name, "tools", "disk", "source=" + iso).assertSuccess();
        incus.run("config", "device", "add", name, "vtpm", "tpm").assertSuccess();
        incus.run(Duration.ofMinutes(2), "start", name).assertSuccess();
        VmGuests.awaitAgent(incus, name);

        assertEquals("corral-scsi-disk", guest("head -c 16 /dev/sda"));
        assertEquals("corral-nvme-disk", guest("head -c 16 /dev/nvme0n1"));
        assertEquals("hello from the cdrom", guest("mkdir -p /mnt/cd && mount -t iso9660 -o ro /dev/sr0 /mnt/cd"
                + " && cat /mnt/cd/hello.txt; umount /mnt/cd"));
        assertEquals("tpm0", guest("ls /sys/class/tpm"));
        assertEquals("2", guest("cat /sys/class/tpm/tpm0/tpm_version_major"));

        // Plugged into and out of the running VM, as Incus does; a TPM can't be.
        Path hot = image(dir.resolve("hot.img"), "corral-hotplugged");
        incus.run("config", "device", "add", name, "hot", "disk", "source=" + hot).assertSuccess();
        assertEquals("corral-hotplugged", awaitGuest("head -c 17 /dev/sdb"));
        incus.run("config", "device", "remove", name, "hot").assertSuccess();
        assertEquals("gone", awaitGuest("test -e /dev/sdb || echo gone"));
        IncusCli.Result tpm = incus.run("config", "device", "remove", name, "vtpm");
        assertTrue(tpm.exitCode() != 0 && tpm.stderr().contains(
                "Failed to remove device \"vtpm\": Device cannot be removed when instance is running"), tpm.toString());
        assertTrue(incus.run("config", "show", name).assertSuccess().stdout().contains("vtpm:"));

        // A disk's source gone while the VM is stopped: the start fails naming the device, as Incus's does.
        incus.run(Duration.ofMinutes(2), "stop", "--force", name).assertSuccess();
        Files.delete(data);
        IncusCli.Result start = incus.run(Duration.ofMinutes(2), "start", name);
        assertTrue(start.exitCode() != 0 && start.stderr().contains("Missing source path")
                && start.stderr().contains("\"data\""), start.toString());
        assertEquals(name + ",STOPPED", incus.run("list", name, "--columns=ns", "--format=csv").assertSuccess()
                .stdout().trim());
    }

    /**
     * The firmware boots an ISO image whose {@code boot.priority} is above the root disk's, and the root disk again
     * once the priority is gone. The ISO is made bootable with busybox-vm's own EFI system partition, so the guest
     * comes up either way; OVMF's console lines say which device it started.
     */
    @Test
    void bootPriorityPutsAnIsoImageFirst(@TempDir Path dir) throws Exception {
        Path iso = bootableIso(dir);
        String vm = "vmiso-" + UUID.randomUUID().toString().substring(0, 8);
        try {
            incus.run("init", "--vm", "busybox-vm", vm).assertSuccess();
            incus.run("config", "device", "add", vm, "install", "disk", "source=" + iso, "boot.priority=10")
                    .assertSuccess();
            assertEquals("UEFI QEMU QEMU CD-ROM", bootedFrom(vm));
            incus.run(Duration.ofMinutes(2), "stop", "--force", vm).assertSuccess();
            incus.run("config", "device", "unset", vm, "install", "boot.priority").assertSuccess();
            assertEquals("UEFI Misc Device", bootedFrom(vm), "the root disk (virtio-blk) when the ISO has no priority");
        } finally {
            incus.run("delete", "--force", vm);
        }
    }

    /** Starts {@code vm} and reads from its console log what the firmware booted (OVMF's "BdsDxe: starting"). */
    private static String bootedFrom(String vm) throws Exception {
        incus.run(Duration.ofMinutes(2), "start", vm).assertSuccess();
        long end = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        String log = "";
        while (System.nanoTime() - end < 0) {
            // The log is appended to at every start: the last boot is at its end.
            log = incus.run("console", vm, "--show-log").assertSuccess().stdout();
            int started = log.lastIndexOf("BdsDxe: starting Boot");
            if (started >= 0 && log.indexOf("busybox-vm: up", started) > 0) {
                String line = log.substring(started, log.indexOf('\n', started));
                return line.substring(line.indexOf('"') + 1, line.lastIndexOf('"')).trim();
            }
            Thread.sleep(1000);
        }
        throw new AssertionError("no complete boot in the console log of " + vm + ":\n" + log);
    }

    /** An ISO image (El Torito, EFI, no emulation) whose boot image is busybox-vm's EFI system partition. */
    private static Path bootableIso(Path dir) throws Exception {
        Path image = Path.of(System.getProperty(Corrald.HOME_PROPERTY), "images", "busybox-vm.qcow2");
        Path raw = dir.resolve("disk.raw");
        Path root = Files.createDirectories(dir.resolve("iso"));
        Path iso = dir.resolve("boot.iso");
        run("qemu-img", "convert", "-O", "raw", image.toString(), raw.toString());
        com.fasterxml.jackson.databind.JsonNode esp = Json.MAPPER.readTree(run("sfdisk", "-J", raw.toString()))
                .at("/partitiontable/partitions/0");
        run("dd", "if=" + raw, "of=" + root.resolve("efiboot.img"), "bs=512", "skip=" + esp.get("start").asLong(),
                "count=" + esp.get("size").asLong(), "status=none");
        run("genisoimage", "-quiet", "-V", "CORRALBOOT", "-e", "efiboot.img", "-no-emul-boot", "-o", iso.toString(),
                root.toString());
        return iso;
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(readAll(p), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), () -> String.join(" ", command) + ": " + out);
        return out;
    }

    /** The root disk on each io.bus boots: the guest finds its root file system on NVMe and on virtio-scsi. */
    @Test
    void rootDiskOnNvmeAndVirtioScsi() throws Exception {
        String vm = "vmbus-" + UUID.randomUUID().toString().substring(0, 8);
        try {
            incus.run(Duration.ofMinutes(2), "launch", "--vm", "busybox-vm", vm, "--device", "root,io.bus=nvme")
                    .assertSuccess();
            VmGuests.awaitAgent(incus, vm);
            assertEquals("nvme0n1p2 on / type ext4", mountedRoot(vm));
            incus.run(Duration.ofMinutes(2), "stop", "--force", vm).assertSuccess();
            incus.run("config", "device", "set", vm, "root", "io.bus=virtio-scsi").assertSuccess();
            incus.run(Duration.ofMinutes(2), "start", vm).assertSuccess();
            VmGuests.awaitAgent(incus, vm);
            assertEquals("sda2 on / type ext4", mountedRoot(vm));
        } finally {
            incus.run("delete", "--force", vm);
        }
    }

    private static String mountedRoot(String vm) throws Exception {
        return incus.run("exec", vm, "--", "sh", "-c", "mount | sed -n 's|^/dev/\\(.* on / type [a-z0-9]*\\).*|\\1|p'")
                .assertSuccess().stdout().trim();
    }

    @Test
    void badDiskSettingsAreRefused() throws Exception {
        String vm = "vmbad-" + UUID.randomUUID().toString().substring(0, 8);
        try {
            incus.run("init", "--vm", "busybox-vm", vm).assertSuccess();
            assertRefused(vm, "Invalid devices: Device \"d\": \"source\" must be an absolute host path",
                    "d", "disk", "source=data.img");
            assertRefused(vm, "invalid io.bus \"ide\"", "d", "disk", "source=/x.img", "io.bus=ide");
            assertRefused(vm, "needs io.bus virtio-scsi or usb", "d", "disk", "source=/x.iso", "io.bus=virtio-blk");
            assertRefused(vm, "invalid boot.priority", "d", "disk", "source=/x.img", "boot.priority=high");
            incus.run("config", "device", "add", vm, "t1", "tpm").assertSuccess();
            assertRefused(vm, "at most one tpm", "t2", "tpm");
            String config = incus.run("config", "show", vm).assertSuccess().stdout();
            assertTrue(config.contains("t1:") && !config.contains("t2:") && !config.contains(" d:"), config);
        } finally {
            incus.run("delete", "--force", vm);
        }
    }

    /** Custom storage volumes as a VM's disks: a block volume and an imported ISO volume, in use until detached. */
    @Test
    void customVolumesAsDisks(@TempDir Path dir) throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 8);
        String block = "data-" + id;
        String isoVolume = "tools-" + id;
        String vm = "vmvol-" + id;
        Path isoRoot = Files.createDirectories(dir.resolve("iso"));
        Files.writeString(isoRoot.resolve("hello.txt"), "hello from a volume\n");
        Path iso = dir.resolve("tools.iso");
        run("genisoimage", "-quiet", "-V", "CORRAL", "-o", iso.toString(), isoRoot.toString());
        try {
            incus.run("storage", "volume", "create", "default", block, "--type=block", "size=64MiB").assertSuccess();
            incus.run(Duration.ofMinutes(1), "storage", "volume", "import", "default", iso.toString(), isoVolume,
                    "--type=iso").assertSuccess();
            String list = incus.run("storage", "volume", "list", "default", "--format=csv").assertSuccess().stdout();
            assertTrue(list.contains("custom," + block + ",,block,") && list.contains("custom," + isoVolume + ",,iso,"),
                    list);

            incus.run("init", "--vm", "busybox-vm", vm).assertSuccess();
            assertTrue(incus.run("storage", "volume", "list", "default", "--format=csv").assertSuccess().stdout()
                    .contains("virtual-machine," + vm + ",,block,"), "the instance's own volume is listed");
            incus.run("config", "device", "add", vm, "data", "disk", "pool=default", "source=" + block)
                    .assertSuccess();
            incus.run("config", "device", "add", vm, "tools", "disk", "pool=default", "source=" + isoVolume)
                    .assertSuccess();
            IncusCli.Result missing = incus.run("config", "device", "add", vm, "nope", "disk", "pool=default",
                    "source=nope-" + id);
            assertTrue(missing.exitCode() != 0 && missing.stderr().contains("Storage volume \"nope-" + id
                    + "\" not found"), missing.toString());
            incus.run(Duration.ofMinutes(2), "start", vm).assertSuccess();
            VmGuests.awaitAgent(incus, vm);
            assertEquals(Long.toString((64L << 20) / 512), incus.run("exec", vm, "--", "cat", "/sys/block/sda/size")
                    .assertSuccess().stdout().trim());
            assertEquals("hello from a volume", incus.run("exec", vm, "--", "sh", "-c", "mkdir -p /mnt/cd && mount -t"
                    + " iso9660 -o ro /dev/sr0 /mnt/cd && cat /mnt/cd/hello.txt; umount /mnt/cd").assertSuccess()
                    .stdout().trim());

            assertTrue(incus.run("storage", "volume", "show", "default", block).assertSuccess().stdout()
                    .contains("/1.0/instances/" + vm), "used_by");
            IncusCli.Result inUse = incus.run("storage", "volume", "delete", "default", block);
            assertTrue(inUse.exitCode() != 0 && inUse.stderr().contains("still in use"), inUse.toString());
        } finally {
            incus.run("delete", "--force", vm);
            incus.run("storage", "volume", "delete", "default", block);
            incus.run("storage", "volume", "delete", "default", isoVolume);
        }
        assertTrue(!incus.run("storage", "volume", "list", "default", "--format=csv").assertSuccess().stdout()
                .contains(id), "the volumes are gone");
    }

    /** Passthrough devices this host does not have: refused when malformed, and the start fails naming them. */
    @Test
    void hostDevicesTheHostLacks() throws Exception {
        String vm = "vmpt-" + UUID.randomUUID().toString().substring(0, 8);
        try {
            incus.run("init", "--vm", "busybox-vm", vm).assertSuccess();
            assertRefused(vm, "Invalid PCI address \"zz\"", "g", "gpu", "pci=zz");
            assertRefused(vm, "Cannot use \"vendorid\" when \"pci\" is set", "g", "gpu", "pci=01:00.0",
                    "vendorid=10de");
            assertRefused(vm, "needs \"vendorid\" and \"productid\"", "u", "usb", "vendorid=046d");
            incus.run("config", "device", "add", vm, "p", "pci", "address=ff:1f.7").assertSuccess();
            IncusCli.Result start = incus.run(Duration.ofMinutes(2), "start", vm);
            assertTrue(start.exitCode() != 0 && start.stderr().contains("Failed to start device \"p\": Failed to get"
                    + " PCI device info for \"0000:ff:1f.7\""), start.toString());
            assertEquals(vm + ",STOPPED", incus.run("list", vm, "--columns=ns", "--format=csv").assertSuccess()
                    .stdout().trim());
            String config = incus.run("config", "show", vm).assertSuccess().stdout();
            assertTrue(config.contains("address: ff:1f.7"), config);
            incus.run("config", "device", "remove", vm, "p").assertSuccess();
            // A USB device that is not required (Incus's default) does not keep the VM from starting.
            incus.run("config", "device", "add", vm, "u", "usb", "vendorid=ffff", "productid=0001").assertSuccess();
            incus.run(Duration.ofMinutes(2), "start", vm).assertSuccess();
        } finally {
            incus.run("delete", "--force", vm);
        }
    }

    private static void assertRefused(String vm, String message, String... device) throws Exception {
        String[] args = new String[4 + device.length];
        args[0] = "config";
        args[1] = "device";
        args[2] = "add";
        args[3] = vm;
        System.arraycopy(device, 0, args, 4, device.length);
        IncusCli.Result result = incus.run(args);
        assertTrue(result.exitCode() != 0 && result.stderr().contains(message), () -> message + " in " + result);
    }

    /** A 16 MiB raw disk image starting with {@code marker}. */
    private static Path image(Path file, String marker) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(16 << 20);
            f.write(marker.getBytes(StandardCharsets.US_ASCII));
        }
        return file;
    }

    private static String guest(String shell) throws Exception {
        return incus.run("exec", name, "--", "sh", "-c", shell).assertSuccess().stdout().trim();
    }

    /** The output of {@code shell} in the guest once it is not empty (a plugged device takes a moment to show). */
    private static String awaitGuest(String shell) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String out = "";
        while (out.isEmpty() && System.nanoTime() - end < 0) {
            out = incus.run("exec", name, "--", "sh", "-c", shell + " 2>/dev/null || true").assertSuccess().stdout()
                    .trim();
            if (out.isEmpty()) {
                Thread.sleep(500);
            }
        }
        return out;
    }

    private static byte[] readAll(Process p) {
        try {
            return p.getInputStream().readAllBytes();
        } catch (java.io.IOException e) {
            return e.toString().getBytes(StandardCharsets.UTF_8);
        }
    }
}
