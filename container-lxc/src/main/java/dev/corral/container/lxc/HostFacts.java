package dev.corral.container.lxc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the container configuration depends on in the host: which cgroup version holds each controller (hosts may
 * be hybrid, as this one: v1 controllers plus an almost empty cgroup2 mount), whether AppArmor is enabled, the
 * online CPUs and the memory size. Read once when the driver is made; tests build their own.
 *
 * @param onlineCpus the online CPU numbers, ascending
 */
record HostFacts(Map<Controller, CgroupVersion> cgroups, boolean appArmor, List<Integer> onlineCpus,
        long memTotalBytes) {

    enum CgroupVersion { V1, V2, NONE }

    /** The controllers the driver uses, by their v1 mount name. */
    enum Controller {
        CPUSET("cpuset"), MEMORY("memory"), PIDS("pids"), CPUACCT("cpuacct"), CPU("cpu"), DEVICES("devices"),
        FREEZER("freezer");

        final String name;

        Controller(String name) {
            this.name = name;
        }
    }

    HostFacts {
        cgroups = Map.copyOf(cgroups);
        onlineCpus = List.copyOf(onlineCpus);
    }

    CgroupVersion version(Controller c) {
        return cgroups.getOrDefault(c, CgroupVersion.NONE);
    }

    static HostFacts read() {
        try {
            return new HostFacts(readCgroups(Files.readAllLines(Path.of("/proc/self/mountinfo"))),
                    Files.exists(Path.of("/sys/kernel/security/apparmor"))
                            || readTrimmed(Path.of("/sys/module/apparmor/parameters/enabled")).equals("Y"),
                    Limits.parseCpuList(readTrimmed(Path.of("/sys/devices/system/cpu/online"))),
                    memTotal(Files.readAllLines(Path.of("/proc/meminfo"))));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the host's cgroup/cpu/memory facts", e);
        }
    }

    /**
     * Which version holds each controller, from {@code /proc/self/mountinfo}: a v1 mount lists its controllers in
     * its super options; a v2 mount's root {@code cgroup.controllers} lists what it holds. v1 wins when both claim
     * one (a controller can only be bound to one hierarchy anyway).
     */
    static Map<Controller, CgroupVersion> readCgroups(List<String> mountinfo) throws IOException {
        Map<Controller, CgroupVersion> out = new EnumMap<>(Controller.class);
        List<Path> v2Mounts = new ArrayList<>();
        for (String line : mountinfo) {
            int dash = line.indexOf(" - ");
            if (dash < 0) {
                continue;
            }
            String[] pre = line.substring(0, dash).split(" ");
            String[] post = line.substring(dash + 3).split(" ");
            if (post.length < 3 || pre.length < 5) {
                continue;
            }
            if (post[0].equals("cgroup")) {
                Set<String> opts = Set.of(post[2].split(","));
                for (Controller c : Controller.values()) {
                    if (opts.contains(c.name)) {
                        out.put(c, CgroupVersion.V1);
                    }
                }
            } else if (post[0].equals("cgroup2")) {
                v2Mounts.add(Path.of(pre[4].replace("\\040", " ")));
            }
        }
        for (Path mount : v2Mounts) {
            Path controllers = mount.resolve("cgroup.controllers");
            if (!Files.isReadable(controllers)) {
                continue;
            }
            Set<String> names = Set.of(Files.readString(controllers).trim().split("\\s+"));
            for (Controller c : Controller.values()) {
                // v2 has no cpuacct/devices/freezer files of those names: cpu.stat, BPF and cgroup.freeze do it
                boolean held = names.contains(c.name)
                        || c == Controller.CPUACCT && names.contains("cpu")
                        || c == Controller.DEVICES || c == Controller.FREEZER;
                if (held) {
                    out.putIfAbsent(c, CgroupVersion.V2);
                }
            }
        }
        return out;
    }

    private static long memTotal(List<String> meminfo) {
        for (String line : meminfo) {
            if (line.startsWith("MemTotal:")) {
                String[] f = line.split("\\s+");
                return Long.parseLong(f[1]) * 1024;
            }
        }
        throw new IllegalStateException("no MemTotal in /proc/meminfo: " + Arrays.toString(meminfo.toArray()));
    }

    private static String readTrimmed(Path p) throws IOException {
        return Files.isReadable(p) ? Files.readString(p).trim() : "";
    }
}
