package dev.corral.hypervisor.kvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corral.api.ApiException;
import dev.corral.instance.DriverException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Settings of a VM and the 400s for bad ones. */
class VmSettingsTest {

    private static Map<String, Map<String, String>> root(String size) {
        return Map.of("root", size == null ? Map.of("type", "disk", "path", "/", "pool", "default")
                : Map.of("type", "disk", "path", "/", "pool", "default", "size", size));
    }

    private static void assertBadRequest(Runnable r, String fragment) {
        ApiException e = assertThrows(ApiException.class, r::run);
        assertEquals(400, e.status());
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }

    @Test
    void rootSize() {
        assertEquals(10L << 30, VmSettings.rootSize(root(null)));
        assertEquals(20L << 30, VmSettings.rootSize(root("20GiB")));
        assertEquals(5L << 30, VmSettings.rootSize(root("5GiB")));
        assertBadRequest(() -> VmSettings.rootSize(root("4GiB")), "minimum of 5GiB");
        assertBadRequest(() -> VmSettings.rootSize(root("lots")), "invalid size");
    }

    @Test
    void memory() {
        assertEquals(1L << 30, VmSettings.memory(Map.of()));
        assertEquals(512L << 20, VmSettings.memory(Map.of("limits.memory", "512MiB")));
        assertTrue(VmSettings.memory(Map.of("limits.memory", "10%")) > 0);
        assertBadRequest(() -> VmSettings.memory(Map.of("limits.memory", "1MiB")), "too small");
        assertBadRequest(() -> VmSettings.memory(Map.of("limits.memory", "200%")), "limits.memory");
    }

    @Test
    void cpus() {
        assertEquals(1, VmSettings.vcpus(Map.of()));
        assertEquals(4, VmSettings.vcpus(Map.of("limits.cpu", "4")));
        assertEquals(2, VmSettings.vcpus(Map.of("limits.cpu", "2-3")));
        assertBadRequest(() -> VmSettings.vcpus(Map.of("limits.cpu", "3-1")), "limits.cpu");
        assertBadRequest(() -> VmSettings.vcpus(Map.of("limits.cpu", "1000")), "limits.cpu");
    }

    @Test
    void devices() {
        VmSettings.validate(Map.of(), root(null));
        assertBadRequest(() -> VmSettings.validate(Map.of(), Map.of("root", Map.of("type", "disk", "path", "/",
                "pool", "default", "io.bus", "sata"))), "io.bus");
        assertBadRequest(() -> VmSettings.validate(Map.of(), Map.of("eth0", Map.of("type", "nic"))),
                "Missing nic type");
        assertBadRequest(() -> VmSettings.validate(Map.of(), Map.of("eth0", Map.of("type", "nic", "network", "lan"))),
                "Failed to load network \"lan\"");
        assertBadRequest(() -> VmSettings.validate(Map.of(), Map.of("eth0", Map.of("type", "nic", "nictype", "p2p",
                "parent", "x"))), "Unsupported nic type \"p2p\"");
        assertBadRequest(() -> VmSettings.validate(Map.of(), Map.of("eth0", Map.of("type", "nic", "nictype",
                "bridged"))), "Missing \"parent\"");
        assertBadRequest(() -> VmSettings.validate(Map.of(), Map.of("eth0", Map.of("type", "nic", "nictype",
                "bridged", "parent", "a-very-long-bridge-name"))), "Invalid interface name");
        assertBadRequest(() -> VmSettings.validate(Map.of(), Map.of("eth0", Map.of("type", "nic", "nictype",
                "macvlan", "parent", "eth0", "host_name", "t0"))), "bridged nics only");
        assertBadRequest(() -> VmSettings.validate(Map.of(), Map.of("eth0", Map.of("type", "nic", "nictype",
                "bridged", "parent", "br0", "vlan", "10"))), "vlan");
        assertBadRequest(() -> VmSettings.validate(Map.of(), Map.of("eth0", Map.of("type", "nic", "nictype",
                "bridged", "parent", "br0", "hwaddr", "zz"))), "Invalid MAC address");
        assertBadRequest(() -> VmSettings.validate(Map.of(), Map.of("eth0", Map.of("type", "nic", "nictype",
                "bridged", "parent", "br0", "mtu", "12"))), "mtu");
    }

    private static void assertBadDevice(Map<String, String> device, String fragment) {
        Map<String, Map<String, String>> devices = new java.util.HashMap<>(root(null));
        devices.put("d", device);
        assertBadRequest(() -> VmSettings.validate(Map.of(), devices), fragment);
    }

    @Test
    void diskDevices(@TempDir Path dir) {
        assertBadDevice(Map.of("type", "disk", "path", "/mnt"), "need a \"source\"");
        assertBadDevice(Map.of("type", "disk", "source", "data.img"), "absolute host path");
        assertBadDevice(Map.of("type", "disk", "source", dir.toString()), "directory shares");
        assertBadDevice(Map.of("type", "disk", "pool", "default", "source", "vol"), "storage volumes");
        assertBadDevice(Map.of("type", "disk", "source", "/a.img", "size", "1GiB"), "root disk only");
        assertBadDevice(Map.of("type", "disk", "source", "/a.img", "io.bus", "ide"), "invalid io.bus \"ide\"");
        assertBadDevice(Map.of("type", "disk", "source", "/a.iso", "io.bus", "nvme"), "CD-ROM");
        assertBadDevice(Map.of("type", "disk", "source", "/a.img", "io.cache", "fast"), "invalid io.cache");
        assertBadDevice(Map.of("type", "disk", "source", "/a.img", "readonly", "maybe"), "invalid readonly");
        assertBadDevice(Map.of("type", "disk", "source", "/a.img", "boot.priority", "first"),
                "invalid boot.priority");
        assertBadDevice(Map.of("type", "unix-char"), "not supported for virtual machines");
        Map<String, Map<String, String>> twoTpms = new java.util.HashMap<>(root(null));
        twoTpms.put("t1", Map.of("type", "tpm"));
        twoTpms.put("t2", Map.of("type", "tpm"));
        assertBadRequest(() -> VmSettings.validate(Map.of(), twoTpms), "at most one tpm");
        Map<String, Map<String, String>> fine = new java.util.HashMap<>(root(null));
        fine.put("iso", Map.of("type", "disk", "source", "/missing/a.iso", "boot.priority", "3"));
        fine.put("t", Map.of("type", "tpm"));
        VmSettings.validate(Map.of(), fine); // a missing source is an error when the VM starts, as in Incus
    }

    @Test
    void nicParentMustExistAtStart(@TempDir Path sys) throws Exception {
        Files.createDirectories(sys.resolve("br0/bridge"));
        Files.createDirectories(sys.resolve("eth9"));
        VmNic bridged = NicSettings.nic("n", Map.of("type", "nic", "nictype", "bridged", "parent", "br0"), 1);
        NicSettings.checkParent(bridged, sys);
        NicSettings.checkParent(NicSettings.nic("n", Map.of("nictype", "macvlan", "parent", "eth9"), 1), sys);
        DriverException notBridge = assertThrows(DriverException.class, () -> NicSettings.checkParent(
                NicSettings.nic("n", Map.of("nictype", "bridged", "parent", "eth9"), 1), sys));
        assertTrue(notBridge.getMessage().contains("\"eth9\" is not a bridge"), notBridge.getMessage());
        DriverException missing = assertThrows(DriverException.class, () -> NicSettings.checkParent(
                NicSettings.nic("n", Map.of("nictype", "macvlan", "parent", "eth7"), 1), sys));
        assertTrue(missing.getMessage().contains("Parent device \"eth7\" doesn't exist"), missing.getMessage());
    }

    @Test
    void acceleratorDetection(@TempDir Path dir) throws Exception {
        Path cpuinfo = dir.resolve("cpuinfo");
        Path kvm = dir.resolve("kvm");
        Files.writeString(cpuinfo, "processor\t: 0\nflags\t\t: fpu vme hypervisor\n");
        assertEquals(DomainConfig.Accelerator.TCG, Accelerators.detect(cpuinfo, kvm));
        Files.writeString(cpuinfo, "processor\t: 0\nflags\t\t: fpu vmx hypervisor\n");
        assertEquals(DomainConfig.Accelerator.TCG, Accelerators.detect(cpuinfo, kvm), "no /dev/kvm");
        Files.createFile(kvm);
        assertEquals(DomainConfig.Accelerator.KVM, Accelerators.detect(cpuinfo, kvm));
        Files.writeString(cpuinfo, "flags\t\t: svm\n");
        assertEquals(DomainConfig.Accelerator.KVM, Accelerators.detect(cpuinfo, kvm));
        assertEquals(DomainConfig.Accelerator.KVM, Accelerators.choose("kvm"));
        assertEquals(DomainConfig.Accelerator.TCG, Accelerators.choose("tcg"));
        assertThrows(IllegalArgumentException.class, () -> Accelerators.choose("xen"));
    }
}
