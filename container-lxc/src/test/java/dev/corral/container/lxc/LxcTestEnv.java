package dev.corral.container.lxc;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.corral.instance.IdMap;
import dev.corral.instance.InstanceRef;
import dev.corral.instance.InstanceSpec;
import dev.corral.instance.InstanceType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A scratch world for integration tests: {@code target/lxc-it/<random>/} with an lxcpath, log directories and one
 * busybox volume per instance, a driver over it, and cleanup that stops and deletes every container found there.
 */
final class LxcTestEnv implements AutoCloseable {

    /** What the storage module gives unprivileged containers here (/etc/subuid: root:1000000:1000000000). */
    static final IdMap ID_MAP = new IdMap(1_000_000, 1_000_000, 65_536);

    final Path root;
    final Path lxcpath;
    final Path logs;
    final Path volumes;
    final LxcDriver driver;

    LxcTestEnv() {
        root = Path.of("target", "lxc-it", UUID.randomUUID().toString().substring(0, 8)).toAbsolutePath();
        lxcpath = root.resolve("containers");
        logs = root.resolve("logs");
        volumes = root.resolve("volumes");
        try {
            Files.createDirectories(volumes);
            Files.createDirectories(logs);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        driver = new LxcDriver(lxcpath, logs);
    }

    /** Skips the calling test class unless real containers can run here. */
    static void assumeUsable() {
        assumeTrue(isRoot(), "LXC integration tests need root");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/lxc-start")), "LXC integration tests need lxc-start (apt-get"
                + " install lxc)");
        assumeTrue(BusyboxRootfs.available(), "LXC integration tests need /bin/busybox (apt-get install"
                + " busybox-static)");
    }

    static boolean isRoot() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .anyMatch(l -> l.matches("Uid:\\s+0\\s.*"));
        } catch (IOException e) {
            return false;
        }
    }

    static String uniqueName() {
        return "ct-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A new unprivileged instance (or privileged with {@code security.privileged=true}) with a fresh volume. */
    InstanceSpec newSpec(Map<String, String> config) {
        String name = uniqueName();
        boolean privileged = "true".equals(config.get("security.privileged"));
        IdMap idMap = privileged ? null : ID_MAP;
        Path volume = volumes.resolve(name);
        try {
            BusyboxRootfs.build(volume.resolve("rootfs"), idMap);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return spec(new InstanceRef("default", name), config, volume, idMap);
    }

    InstanceSpec spec(InstanceRef ref, Map<String, String> config, Path volume, IdMap idMap) {
        return new InstanceSpec(ref, InstanceType.CONTAINER, config, Map.of(), volume,
                logs.resolve(ref.backendName()), idMap);
    }

    /** The renamed spec, with the volume moved as the storage would. */
    InstanceSpec renamed(InstanceSpec spec, String newName) {
        Path newVolume = volumes.resolve(newName);
        try {
            Files.move(spec.volume(), newVolume);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return spec(new InstanceRef(spec.ref().project(), newName), spec.config(), newVolume, spec.idMap());
    }

    /** Force-stops and deletes every container under the lxcpath, scratch directories included. */
    void reset() {
        List<Throwable> errors = new ArrayList<>();
        if (Files.isDirectory(lxcpath)) {
            try (Stream<Path> dirs = Files.list(lxcpath)) {
                for (Path dir : dirs.toList()) {
                    InstanceRef ref = new InstanceRef("default", dir.getFileName().toString());
                    try {
                        driver.stop(ref, true, Duration.ZERO);
                        driver.delete(ref);
                    } catch (RuntimeException e) {
                        errors.add(e);
                    }
                }
            } catch (IOException e) {
                errors.add(e);
            }
        }
        try {
            BusyboxRootfs.deleteTree(volumes);
            Files.createDirectories(volumes);
        } catch (IOException e) {
            errors.add(e);
        }
        if (!errors.isEmpty()) {
            AssertionError e = new AssertionError("cleanup failed: " + errors.get(0));
            errors.forEach(e::addSuppressed);
            throw e;
        }
    }

    @Override
    public void close() throws IOException {
        try {
            reset();
        } finally {
            BusyboxRootfs.deleteTree(root);
            // liblxc's lock directories for this lxcpath
            BusyboxRootfs.deleteTree(Path.of("/run/lxc/lock").resolve(root.toString().substring(1)));
        }
    }
}
