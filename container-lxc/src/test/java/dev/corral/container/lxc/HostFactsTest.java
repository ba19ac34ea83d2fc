package dev.corral.container.lxc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.corral.container.lxc.HostFacts.CgroupVersion;
import dev.corral.container.lxc.HostFacts.Controller;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostFactsTest {

    @Test
    void hybridHostLikeThisOne(@TempDir Path unified) throws IOException {
        Files.writeString(unified.resolve("cgroup.controllers"), "hugetlb\n");
        List<String> mountinfo = List.of(
                "25 24 0:22 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755",
                "26 25 0:23 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu",
                "27 25 0:24 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct",
                "28 25 0:25 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset",
                "29 25 0:26 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory",
                "30 25 0:27 / /sys/fs/cgroup/devices rw,relatime - cgroup cgroup rw,devices",
                "31 25 0:28 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer",
                "32 25 0:29 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids",
                "33 25 0:30 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd",
                "34 25 0:31 / " + unified + " rw,relatime - cgroup2 cgroup2 rw");
        Map<Controller, CgroupVersion> v = HostFacts.readCgroups(mountinfo);
        for (Controller c : Controller.values()) {
            assertEquals(CgroupVersion.V1, v.get(c), c.name());
        }
    }

    @Test
    void unifiedHost(@TempDir Path root) throws IOException {
        Files.writeString(root.resolve("cgroup.controllers"), "cpuset cpu io memory hugetlb pids rdma misc\n");
        Map<Controller, CgroupVersion> v = HostFacts.readCgroups(List.of(
                "35 24 0:30 / " + root + " rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 rw,nsdelegate"));
        for (Controller c : Controller.values()) {
            assertEquals(CgroupVersion.V2, v.get(c), c.name());
        }
    }

    @Test
    void thisHost() {
        HostFacts h = HostFacts.read();
        System.out.println("host facts: " + h);
        assertEquals(Runtime.getRuntime().availableProcessors() > 0, !h.onlineCpus().isEmpty());
    }
}
