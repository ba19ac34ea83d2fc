package dev.corral.hypervisor.kvm;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.corral.instance.InstanceRef;
import dev.corral.instance.InstanceSpec;
import dev.corral.instance.InstanceType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Real VMs for tests: the busybox-vm image (built by packaging/images/build-vm-image.sh when not there yet), a
 * scratch directory per test class, a driver with a unique domain prefix on {@code qemu:///system}, TCG. Tests are
 * skipped (with the reason) where libvirt does not answer or the image cannot be built.
 */
final class VmTestEnv implements AutoCloseable {

    static final Path MODULE = Path.of(System.getProperty("user.dir"));

    final Path scratch;
    final LibvirtDriver driver;
    private final List<InstanceSpec> made = new ArrayList<>();
    private final AtomicInteger counter = new AtomicInteger();
    private final Path image;

    VmTestEnv() throws IOException {
        image = image();
        scratch = Files.createTempDirectory("corral-vmtest-");
        String prefix = "corral-t" + UUID.randomUUID().toString().substring(0, 6) + "-";
        driver = new LibvirtDriver(LibvirtDriver.Options.system(prefix, DomainConfig.Accelerator.TCG));
    }

    /** Skips the calling test class unless libvirt answers on qemu:///system and OVMF is installed. */
    static void assumeUsable() {
        assumeTrue(Files.exists(Path.of("/usr/share/OVMF/OVMF_CODE_4M.fd")), "OVMF is not installed");
        assumeTrue(Files.exists(Path.of("/run/libvirt/libvirt-sock")),
                "libvirtd is not running (scripts/start-libvirt.sh starts it)");
        try {
            new org.libvirt.Connect("qemu:///system", false).close();
        } catch (org.libvirt.LibvirtException e) {
            assumeTrue(false, "libvirt does not answer on qemu:///system: " + e.getMessage());
        }
    }

    /** The busybox-vm disk: the packaged one, or one built into target/ once. */
    static Path image() throws IOException {
        Path packaged = MODULE.resolveSibling("packaging").resolve("target/corral/images/busybox-vm.qcow2");
        if (Files.exists(packaged)) {
            return packaged;
        }
        Path dir = MODULE.resolve("target/vm-image");
        Path disk = dir.resolve("busybox-vm.qcow2");
        if (!Files.exists(disk)) {
            try {
                Process p = new ProcessBuilder("bash",
                        MODULE.resolveSibling("packaging").resolve("images/build-vm-image.sh").toString(),
                        dir.toString()).inheritIO().start();
                assumeTrue(p.waitFor() == 0, "cannot build the busybox-vm image");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }
        return disk;
    }

    /** A new VM's spec with a ready root disk (a qcow2 overlay of the image). */
    InstanceSpec newSpec(Map<String, String> config) {
        String name = "vm" + counter.incrementAndGet();
        Path volume = scratch.resolve("volumes").resolve(name);
        try {
            Files.createDirectories(volume);
            run("qemu-img", "create", "-q", "-f", "qcow2", "-F", "qcow2", "-b", image.toString(),
                    volume.resolve(VmSettings.ROOT_DISK).toString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        InstanceSpec spec = new InstanceSpec(new InstanceRef("default", name), InstanceType.VIRTUAL_MACHINE, config,
                Map.of("root", Map.of("type", "disk", "path", "/", "pool", "default")), volume,
                scratch.resolve("logs").resolve(name), null);
        synchronized (made) {
            made.add(spec);
        }
        return spec;
    }

    InstanceSpec renamed(InstanceSpec spec, String newName) {
        Path volume = spec.volume().resolveSibling(newName);
        try {
            Files.move(spec.volume(), volume);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        InstanceSpec renamed = new InstanceSpec(new InstanceRef(spec.ref().project(), newName), spec.type(),
                spec.config(), spec.devices(), volume, spec.logDir().resolveSibling(newName), null);
        synchronized (made) {
            made.add(renamed);
        }
        return renamed;
    }

    /** The live memory (balloon target) the running domain is held to, from its XML's currentMemory. */
    long currentMemory(InstanceRef ref) {
        String xml = driver.withDomain(driver.domainName(ref), "xml", d -> d.getXMLDesc(0));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("<currentMemory unit='KiB'>(\\d+)<")
                .matcher(xml);
        if (!m.find()) {
            throw new AssertionError("no currentMemory in " + xml);
        }
        return Long.parseLong(m.group(1)) * 1024;
    }

    /** Stops and forgets every VM made so far and removes their volumes. */
    void reset() {
        List<InstanceSpec> specs;
        synchronized (made) {
            specs = new ArrayList<>(made);
            made.clear();
        }
        for (InstanceSpec spec : specs) {
            try {
                driver.stop(spec.ref(), true, Duration.ZERO);
                driver.delete(spec.ref());
            } catch (RuntimeException e) {
                System.err.println("cleanup of " + spec.ref() + ": " + e.getMessage());
            }
        }
        deleteTree(scratch.resolve("volumes"));
    }

    @Override
    public void close() {
        reset();
        driver.close();
        deleteTree(scratch);
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            System.err.println("cannot remove " + root + ": " + e.getMessage());
        }
    }

    static void run(String... command) throws IOException {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (p.waitFor() != 0) {
                throw new IOException(String.join(" ", command) + ": " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
