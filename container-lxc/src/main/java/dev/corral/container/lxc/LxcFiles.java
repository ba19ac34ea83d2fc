package dev.corral.container.lxc;

import dev.corral.instance.InstanceFiles;
import dev.corral.instance.InstanceSpec;
import java.io.IOException;
import java.nio.file.FileSystem;

/**
 * Files of LXC containers: the root filesystem on disk ({@code volume/rootfs}), read and written from the host
 * whether the container runs or not, every path resolved inside it by {@link RootDir} ({@code openat2} with {@code
 * RESOLVE_IN_ROOT}), ids mapped through the container's id map. Mounts made inside a running container (its {@code
 * /proc}, {@code /sys}, {@code /dev}, tmpfs) are not seen: what is served is the container's own filesystem.
 */
final class LxcFiles implements InstanceFiles {

    @Override
    public FileSystem open(InstanceSpec spec) throws IOException {
        return new LxcFileSystem(RootDir.open(spec.rootfs(), spec.idMap()), spec.ref().backendName());
    }
}
