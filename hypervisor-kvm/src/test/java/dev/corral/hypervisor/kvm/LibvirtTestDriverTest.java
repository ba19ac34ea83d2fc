package dev.corral.hypervisor.kvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.corral.instance.DriverException;
import dev.corral.instance.InstanceRef;
import dev.corral.instance.InstanceSpec;
import dev.corral.instance.InstanceStatus;
import dev.corral.instance.InstanceType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The driver's libvirt calls on libvirt's built-in {@code test:///default} driver (no QEMU, no daemon): the domain
 * XML is accepted and the lifecycle maps onto statuses; and the clear failure when libvirt cannot be reached.
 */
class LibvirtTestDriverTest {

    private static boolean qemuImg() {
        return Files.isExecutable(Path.of("/usr/bin/qemu-img"));
    }

    private static InstanceSpec spec(Path dir, String name) throws Exception {
        Path volume = Files.createDirectories(dir.resolve(name));
        return new InstanceSpec(new InstanceRef("default", name), InstanceType.VIRTUAL_MACHINE, Map.of(),
                Map.of("root", Map.of("type", "disk", "path", "/", "pool", "default", "size", "5GiB")), volume,
                dir.resolve("logs").resolve(name), null);
    }

    @Test
    void lifecycleOnTheTestDriver(@TempDir Path dir) throws Exception {
        assumeTrue(qemuImg(), "qemu-img (qemu-utils) is not installed");
        try (LibvirtDriver driver = new LibvirtDriver(new LibvirtDriver.Options("test:///default", "corral-unit-",
                () -> DomainConfig.Accelerator.TCG, dir))) {
            InstanceSpec vm = spec(dir, "t1");
            driver.create(vm);
            assertEquals(5L << 30, QemuImg.virtualSize(vm.volume().resolve(VmSettings.ROOT_DISK)),
                    "an empty root disk of the root device's size");
            assertEquals(InstanceStatus.STOPPED, driver.status(vm.ref()));
            driver.start(vm);
            assertEquals(InstanceStatus.RUNNING, driver.status(vm.ref()));
            assertEquals(List.of("t1"), driver.running());
            assertThrows(DriverException.class, () -> driver.start(vm));
            driver.freeze(vm.ref());
            assertEquals(InstanceStatus.FROZEN, driver.state(vm.ref()).status());
            driver.unfreeze(vm.ref());
            assertEquals(InstanceStatus.RUNNING, driver.status(vm.ref()));
            assertThrows(DriverException.class, () -> driver.delete(vm.ref()));
            driver.stop(vm.ref(), false, Duration.ofSeconds(30));
            assertEquals(InstanceStatus.STOPPED, driver.status(vm.ref()));
            assertThrows(DriverException.class, () -> driver.freeze(vm.ref()));
            driver.delete(vm.ref());
            assertEquals(InstanceStatus.STOPPED, driver.status(vm.ref()));
            assertEquals(List.of(), driver.running());
        }
    }

    @Test
    void unreachableLibvirtIsAClearError(@TempDir Path dir) throws Exception {
        String uri = "qemu+unix:///system?socket=" + dir.resolve("no-libvirt.sock");
        try (LibvirtDriver driver = new LibvirtDriver(new LibvirtDriver.Options(uri, "corral-unit-",
                () -> DomainConfig.Accelerator.TCG, dir))) {
            InstanceSpec vm = spec(dir, "t2");
            Files.writeString(vm.volume().resolve(VmSettings.ROOT_DISK), "");
            DriverException e = assertThrows(DriverException.class, () -> driver.hypervisorVersion());
            assertTrue(e.getMessage().startsWith("Cannot reach libvirt at " + uri + " (is libvirtd running?"),
                    e.getMessage());
            assertEquals(InstanceStatus.ERROR, driver.status(vm.ref()), "lists still answer");
            assertEquals(List.of(), driver.running(), "reconciliation leaves VMs alone");
        }
    }
}
