package dev.corral.container.lxc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corral.container.lxc.HostFacts.CgroupVersion;
import dev.corral.container.lxc.HostFacts.Controller;
import dev.corral.instance.DriverException;
import dev.corral.instance.IdMap;
import dev.corral.instance.InstanceRef;
import dev.corral.instance.InstanceSpec;
import dev.corral.instance.InstanceType;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The config text, without root or liblxc. */
class LxcConfigTest {

    private static final long GIB = 1L << 30;

    /** This machine's shape: every controller on cgroup v1, no AppArmor, 2 CPUs, 4 GiB. */
    static HostFacts hybridHost() {
        Map<Controller, CgroupVersion> v = new EnumMap<>(Controller.class);
        for (Controller c : Controller.values()) {
            v.put(c, CgroupVersion.V1);
        }
        return new HostFacts(v, false, List.of(0, 1), 4 * GIB);
    }

    static HostFacts unifiedHost() {
        Map<Controller, CgroupVersion> v = new EnumMap<>(Controller.class);
        for (Controller c : Controller.values()) {
            v.put(c, CgroupVersion.V2);
        }
        return new HostFacts(v, true, List.of(0, 1, 2, 3), 8 * GIB);
    }

    private static final LxcConfig HYBRID = new LxcConfig(hybridHost(), key -> !key.startsWith("lxc.bogus"));
    private static final Path LOGS = Path.of("/var/lib/corral/logs/web");
    private static final Path SECCOMP = Path.of("/var/lib/corral/containers/web/seccomp");

    private static InstanceSpec spec(Map<String, String> config, IdMap idMap) {
        return new InstanceSpec(new InstanceRef("default", "web"), InstanceType.CONTAINER, config, Map.of(),
                Path.of("/var/lib/corral/storage-pools/default/containers/web"), LOGS, idMap);
    }

    private static final IdMap MAP = new IdMap(1_000_000, 1_000_000, 65_536);

    @Test
    void unprivilegedContainerOnThisHost() {
        String text = HYBRID.render(spec(Map.of(), MAP), LOGS, SECCOMP);
        assertEquals("""
                # Written by Corral for instance default/web; rewritten at every start and update, do not edit.
                lxc.uts.name = web
                lxc.rootfs.path = dir:/var/lib/corral/storage-pools/default/containers/web/rootfs
                lxc.idmap = u 0 1000000 65536
                lxc.idmap = g 0 1000000 65536
                lxc.init.cmd = /sbin/init
                lxc.autodev = 1
                lxc.tty.max = 0
                lxc.pty.max = 1024
                lxc.mount.auto = proc:mixed sys:mixed cgroup:mixed
                lxc.mount.entry = mqueue dev/mqueue mqueue rw,relatime,create=dir,optional 0 0
                lxc.net.0.type = empty
                lxc.cap.drop = mac_admin mac_override sys_time sys_module sys_rawio
                lxc.apparmor.profile = unconfined
                lxc.seccomp.profile = /var/lib/corral/containers/web/seccomp
                lxc.console.buffer.size = auto
                lxc.console.size = auto
                lxc.console.logfile = /var/lib/corral/logs/web/console.log
                lxc.log.file = /var/lib/corral/logs/web/lxc.log
                lxc.log.level = warn
                lxc.cgroup.devices.deny = a
                lxc.cgroup.devices.allow = b *:* m
                lxc.cgroup.devices.allow = c *:* m
                lxc.cgroup.devices.allow = c 1:3 rwm
                lxc.cgroup.devices.allow = c 1:5 rwm
                lxc.cgroup.devices.allow = c 1:7 rwm
                lxc.cgroup.devices.allow = c 1:8 rwm
                lxc.cgroup.devices.allow = c 1:9 rwm
                lxc.cgroup.devices.allow = c 5:0 rwm
                lxc.cgroup.devices.allow = c 5:1 rwm
                lxc.cgroup.devices.allow = c 5:2 rwm
                lxc.cgroup.devices.allow = c 136:* rwm
                lxc.cgroup.devices.allow = c 10:229 rwm
                lxc.cgroup.devices.allow = c 10:200 rwm
                """, text);
    }

    @Test
    void privilegedContainerHasNoIdMap() {
        String text = HYBRID.render(spec(Map.of("security.privileged", "true"), null), LOGS, SECCOMP);
        assertFalse(text.contains("lxc.idmap"), text);
    }

    @Test
    void unprivilegedWithoutIdMapIsRefused() {
        assertThrows(DriverException.class, () -> HYBRID.render(spec(Map.of(), null), LOGS, SECCOMP));
    }

    @Test
    void limitsOnCgroupV1() {
        String text = HYBRID.render(spec(Map.of("limits.memory", "256MiB", "limits.cpu", "1"), MAP), LOGS, SECCOMP);
        assertTrue(text.contains("\nlxc.cgroup.memory.limit_in_bytes = 268435456\n"), text);
        assertTrue(text.contains("\nlxc.cgroup.cpuset.cpus = 0\n"), text);
    }

    @Test
    void limitsAndDevicesOnCgroupV2WithAppArmor() {
        LxcConfig unified = new LxcConfig(unifiedHost(), key -> true);
        String text = unified.render(spec(Map.of("limits.memory", "50%", "limits.cpu", "0,2"), MAP), LOGS, SECCOMP);
        assertTrue(text.contains("\nlxc.cgroup2.memory.max = 4294967296\n"), text);
        assertTrue(text.contains("\nlxc.cgroup2.cpuset.cpus = 0,2\n"), text);
        assertTrue(text.contains("\nlxc.cgroup2.devices.deny = a\n"), text);
        assertTrue(text.contains("\nlxc.apparmor.profile = generated\n"), text);
        assertFalse(text.contains("lxc.cgroup."), text);
        assertEquals("memory.max", unified.memoryLimitKey());
        assertEquals("max", unified.memoryUnlimited());
        assertEquals("memory.current", unified.memoryUsageKey());
        assertEquals("memory.peak", unified.memoryPeakKey());
        assertEquals("cpu.stat", unified.cpuUsageKey());
    }

    @Test
    void cgroupV1ItemNames() {
        assertEquals("memory.limit_in_bytes", HYBRID.memoryLimitKey());
        assertEquals("-1", HYBRID.memoryUnlimited());
        assertEquals("memory.usage_in_bytes", HYBRID.memoryUsageKey());
        assertEquals("memory.max_usage_in_bytes", HYBRID.memoryPeakKey());
        assertEquals("cpuacct.usage", HYBRID.cpuUsageKey());
        assertTrue(HYBRID.freezerV1());
        assertEquals("0-1", HYBRID.allCpus());
    }

    @Test
    void environmentSortedThenRawLxcLast() {
        String text = HYBRID.render(spec(Map.of(
                "environment.ZED", "last", "environment.FOO", "bar baz", "user.x", "ignored",
                "raw.lxc", "lxc.signal.halt = SIGUSR1\n# a comment\nlxc.signal.reboot = SIGTERM"), MAP),
                LOGS, SECCOMP);
        assertTrue(text.endsWith("""
                lxc.environment = FOO=bar baz
                lxc.environment = ZED=last
                # raw.lxc
                lxc.signal.halt = SIGUSR1
                # a comment
                lxc.signal.reboot = SIGTERM
                """), text);
        assertFalse(text.contains("ignored"), text);
    }

    @Test
    void badValuesAreRefused() {
        assertThrows(DriverException.class, () -> HYBRID.render(spec(Map.of("environment.A", "x\nlxc.init.cmd = /evil"),
                MAP), LOGS, SECCOMP), "a line break would inject config");
        assertThrows(DriverException.class, () -> HYBRID.render(spec(Map.of("environment.A-B", "x"), MAP), LOGS,
                SECCOMP));
        assertThrows(DriverException.class, () -> HYBRID.render(spec(Map.of("raw.lxc", "lxc.log.file = /tmp/x"),
                MAP), LOGS, SECCOMP), "raw.lxc may not move the log");
        assertThrows(DriverException.class, () -> HYBRID.render(spec(Map.of("raw.lxc", "lxc.bogus.key = 1"), MAP),
                LOGS, SECCOMP), "unknown keys are refused before liblxc fails to load the container");
        assertThrows(DriverException.class, () -> HYBRID.render(spec(Map.of("raw.lxc", "no equals sign"), MAP),
                LOGS, SECCOMP));
        assertThrows(DriverException.class, () -> HYBRID.render(spec(Map.of("limits.memory", "lots"), MAP), LOGS,
                SECCOMP));
        assertThrows(DriverException.class, () -> HYBRID.render(spec(Map.of("limits.cpu", "0-7"), MAP), LOGS,
                SECCOMP), "CPUs 2-7 are not online");
    }

    @Test
    void noMemoryControllerMeansNoMemoryLimit() {
        Map<Controller, CgroupVersion> v = new EnumMap<>(Controller.class);
        v.put(Controller.CPUSET, CgroupVersion.V1);
        LxcConfig bare = new LxcConfig(new HostFacts(v, false, List.of(0), GIB), key -> true);
        assertThrows(DriverException.class, () -> bare.render(spec(Map.of("limits.memory", "1GiB"), MAP), LOGS,
                SECCOMP));
        assertFalse(bare.render(spec(Map.of(), MAP), LOGS, SECCOMP).contains("devices"));
    }
}
