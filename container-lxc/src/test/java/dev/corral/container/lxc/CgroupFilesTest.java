package dev.corral.container.lxc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class CgroupFilesTest {

    private static final List<String> HYBRID = List.of(
            "30 22 0:26 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755",
            "31 30 0:27 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory",
            "32 30 0:28 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct",
            "33 30 0:29 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw");

    @Test
    void v1FilesAreUnderTheControllersMountAtTheContainersPayloadCgroup() {
        CgroupFiles files = CgroupFiles.fromMountinfo(HYBRID);
        List<String> proc = List.of("5:memory:/lxc.payload.c1/init.scope", "4:cpu,cpuacct:/lxc.payload.c1",
                "0::/lxc.payload.c1");
        assertEquals(Path.of("/sys/fs/cgroup/memory/lxc.payload.c1/memory.usage_in_bytes"),
                files.locate(proc, "memory.usage_in_bytes"));
        assertEquals(Path.of("/sys/fs/cgroup/cpu,cpuacct/lxc.payload.c1/cpuacct.usage"),
                files.locate(proc, "cpuacct.usage"));
        assertEquals(Path.of("/sys/fs/cgroup/unified/lxc.payload.c1/pids.current"),
                files.locate(proc, "pids.current"), "a controller without a v1 mount is v2's");
    }

    @Test
    void pureV2AndForeignCgroups() {
        CgroupFiles files = CgroupFiles.fromMountinfo(
                List.of("30 22 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw,nsdelegate"));
        assertEquals(Path.of("/sys/fs/cgroup/lxc.payload.web/memory.current"),
                files.locate(List.of("0::/lxc.payload.web/system.slice"), "memory.current"));
        assertNull(files.locate(List.of("0::/user.slice"), "memory.current"), "not a container's cgroup");
    }
}
