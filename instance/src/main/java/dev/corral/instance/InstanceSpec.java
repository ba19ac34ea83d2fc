package dev.corral.instance;

import java.nio.file.Path;
import java.util.Map;

/**
 * Everything a driver needs to run an instance, resolved by the daemon: the expanded configuration and devices
 * (profiles applied), where its root filesystem or disk is, where its logs go, and its id map (null when
 * privileged or for VMs).
 *
 * @param volume the instance's storage volume directory (for a container it holds {@code rootfs/})
 */
public record InstanceSpec(
        InstanceRef ref,
        InstanceType type,
        Map<String, String> config,
        Map<String, Map<String, String>> devices,
        Path volume,
        Path logDir,
        IdMap idMap) {

    public InstanceSpec {
        config = Map.copyOf(config);
        devices = Map.copyOf(devices);
    }

    /** The container's root filesystem (containers only). */
    public Path rootfs() {
        return volume.resolve("rootfs");
    }
}
