package dev.corral.container.lxc;

import dev.corral.container.lxc.HostFacts.CgroupVersion;
import dev.corral.container.lxc.HostFacts.Controller;
import dev.corral.instance.DriverException;
import dev.corral.instance.IdMap;
import dev.corral.instance.InstanceConfigKeys;
import dev.corral.instance.InstanceSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Turns an {@link InstanceSpec} into the text of an LXC config file. Pure: the host's facts come in as a {@link
 * HostFacts}, nothing is read or written here, so the whole text is unit-tested.
 *
 * <p>The driver writes the file itself instead of going through {@code set_config_item}/{@code save_config}: the
 * text is then deterministic and testable without liblxc or root, {@code raw.lxc} can be appended verbatim
 * (multi-line, with LXC's own syntax), and the write is atomic (temp file + rename). liblxc still parses it (and
 * rejects it) when the driver opens the container.
 */
final class LxcConfig {

    static final String SECCOMP_FILE = "seccomp";

    /** Incus's default deny list: syscalls that act on the whole host. */
    static final String SECCOMP_PROFILE = """
            2
            denylist
            [all]
            kexec_load errno 38
            open_by_handle_at errno 38
            init_module errno 38
            finit_module errno 38
            delete_module errno 38
            """;

    /** Device nodes a container may use (the rest only mknod'ed, never opened), as Incus allows them. */
    private static final List<String> DEVICES_ALLOWED = List.of(
            "b *:* m", "c *:* m", // mknod, not use
            "c 1:3 rwm", "c 1:5 rwm", "c 1:7 rwm", "c 1:8 rwm", "c 1:9 rwm", // null zero full random urandom
            "c 5:0 rwm", "c 5:1 rwm", "c 5:2 rwm", "c 136:* rwm", // tty console ptmx pts
            "c 10:229 rwm", "c 10:200 rwm"); // fuse net/tun

    /** raw.lxc must not take over what the driver relies on. */
    private static final List<String> RAW_FORBIDDEN = List.of(
            "lxc.log.file", "lxc.logfile", "lxc.log.syslog", "lxc.syslog", "lxc.ephemeral", "lxc.rootfs.path",
            "lxc.console.logfile");

    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final HostFacts host;
    private final Predicate<String> knownKey;

    /** @param knownKey whether liblxc knows a config key (checked for raw.lxc before liblxc sees it) */
    LxcConfig(HostFacts host, Predicate<String> knownKey) {
        this.host = host;
        this.knownKey = knownKey;
    }

    /** The limits a spec asks for, resolved against the host: null where unset. */
    record ResolvedLimits(Long memoryBytes, String cpuset) {
    }

    ResolvedLimits limits(InstanceSpec spec) {
        String mem = spec.config().get("limits.memory");
        String cpu = spec.config().get("limits.cpu");
        return new ResolvedLimits(
                blank(mem) ? null : Limits.memoryBytes(mem, host.memTotalBytes()),
                blank(cpu) ? null : Limits.cpuset(cpu, host.onlineCpus()));
    }

    /**
     * The config file for {@code spec}; logs go to {@code logDir}, the seccomp profile is {@code seccompProfile}.
     */
    String render(InstanceSpec spec, Path logDir, Path seccompProfile) {
        Map<String, String> config = spec.config();
        boolean privileged = InstanceConfigKeys.isTrue(config.get("security.privileged"));
        IdMap idMap = spec.idMap();
        if (!privileged && idMap == null) {
            throw new DriverException("instance " + spec.ref().name()
                    + " is unprivileged but has no id map (set security.privileged=true for a privileged container)");
        }
        StringBuilder sb = new StringBuilder();
        sb.append("# Written by Corral for instance ").append(spec.ref().project()).append('/')
                .append(spec.ref().name()).append("; rewritten at every start and update, do not edit.\n");
        line(sb, "lxc.uts.name", spec.ref().name());
        line(sb, "lxc.rootfs.path", "dir:" + path(spec.rootfs()));
        if (!privileged) {
            line(sb, "lxc.idmap", "u 0 " + idMap.hostUid() + " " + idMap.size());
            line(sb, "lxc.idmap", "g 0 " + idMap.hostGid() + " " + idMap.size());
        }
        line(sb, "lxc.init.cmd", "/sbin/init");
        line(sb, "lxc.autodev", "1");
        line(sb, "lxc.tty.max", "0");
        line(sb, "lxc.pty.max", "1024");
        line(sb, "lxc.mount.auto", "proc:mixed sys:mixed cgroup:mixed");
        line(sb, "lxc.mount.entry", "mqueue dev/mqueue mqueue rw,relatime,create=dir,optional 0 0");
        line(sb, "lxc.net.0.type", "empty");
        line(sb, "lxc.cap.drop", "mac_admin mac_override sys_time sys_module sys_rawio");
        line(sb, "lxc.apparmor.profile", host.appArmor() ? "generated" : "unconfined");
        line(sb, "lxc.seccomp.profile", path(seccompProfile));
        line(sb, "lxc.console.buffer.size", "auto");
        line(sb, "lxc.console.size", "auto"); // console.log as large as the ring buffer at most, as Incus
        line(sb, "lxc.console.logfile", path(logDir.resolve("console.log")));
        line(sb, "lxc.log.file", path(logDir.resolve("lxc.log")));
        line(sb, "lxc.log.level", "warn");
        devices(sb);
        ResolvedLimits limits = limits(spec);
        if (limits.memoryBytes() != null) {
            cgroupLine(sb, Controller.MEMORY, "memory.limit_in_bytes", "memory.max",
                    Long.toString(limits.memoryBytes()));
        }
        if (limits.cpuset() != null) {
            cgroupLine(sb, Controller.CPUSET, "cpuset.cpus", "cpuset.cpus", limits.cpuset());
        }
        for (Map.Entry<String, String> e : new TreeMap<>(config).entrySet()) {
            if (e.getKey().startsWith("environment.")) {
                String name = e.getKey().substring("environment.".length());
                if (!ENV_NAME.matcher(name).matches()) {
                    throw new DriverException("invalid config key " + e.getKey() + ": not an environment variable name");
                }
                line(sb, "lxc.environment", name + "=" + e.getValue());
            }
        }
        String raw = config.get("raw.lxc");
        if (!blank(raw)) {
            checkRaw(raw);
            sb.append("# raw.lxc\n").append(raw);
            if (!raw.endsWith("\n")) {
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    /** The cgroup item names the driver reads and writes live, for this host's layout. */
    String memoryLimitKey() {
        return v2(Controller.MEMORY) ? "memory.max" : "memory.limit_in_bytes";
    }

    String memoryUnlimited() {
        return v2(Controller.MEMORY) ? "max" : "-1";
    }

    String memoryUsageKey() {
        return v2(Controller.MEMORY) ? "memory.current" : "memory.usage_in_bytes";
    }

    String memoryPeakKey() {
        return v2(Controller.MEMORY) ? "memory.peak" : "memory.max_usage_in_bytes";
    }

    /** cpuacct.usage is nanoseconds; v2's cpu.stat has a usage_usec line. */
    String cpuUsageKey() {
        return v2(Controller.CPUACCT) ? "cpu.stat" : "cpuacct.usage";
    }

    boolean freezerV1() {
        return host.version(Controller.FREEZER) == CgroupVersion.V1;
    }

    boolean hasController(Controller c) {
        return host.version(c) != CgroupVersion.NONE;
    }

    String allCpus() {
        return Limits.formatCpuList(host.onlineCpus());
    }

    private boolean v2(Controller c) {
        return host.version(c) == CgroupVersion.V2;
    }

    private void devices(StringBuilder sb) {
        switch (host.version(Controller.DEVICES)) {
            case V1 -> {
                line(sb, "lxc.cgroup.devices.deny", "a");
                DEVICES_ALLOWED.forEach(rule -> line(sb, "lxc.cgroup.devices.allow", rule));
            }
            case V2 -> {
                line(sb, "lxc.cgroup2.devices.deny", "a");
                DEVICES_ALLOWED.forEach(rule -> line(sb, "lxc.cgroup2.devices.allow", rule));
            }
            case NONE -> {
            }
        }
    }

    private void cgroupLine(StringBuilder sb, Controller c, String v1Key, String v2Key, String value) {
        switch (host.version(c)) {
            case V1 -> line(sb, "lxc.cgroup." + v1Key, value);
            case V2 -> line(sb, "lxc.cgroup2." + v2Key, value);
            case NONE -> throw new DriverException("the host has no " + c.name
                    + " cgroup controller: cannot apply limits." + (c == Controller.MEMORY ? "memory" : "cpu"));
        }
    }

    private void checkRaw(String raw) {
        for (String key : rawKeys(raw)) {
            if (RAW_FORBIDDEN.contains(key)) {
                throw new DriverException("raw.lxc may not set " + key + " (Corral manages it)");
            }
            if (!isKnown(key)) {
                throw new DriverException("raw.lxc sets " + key + ", which this LXC does not know");
            }
        }
    }

    /**
     * liblxc knows keys with sub-items ({@code lxc.prlimit.nofile}, {@code lxc.cgroup.devices.allow},
     * {@code lxc.net.0.type}) only by their stem: try the key, then each shorter stem.
     */
    private boolean isKnown(String key) {
        for (String stem = key; stem.contains("."); stem = stem.substring(0, stem.lastIndexOf('.'))) {
            if (knownKey.test(stem)) {
                return true;
            }
        }
        return false;
    }

    /** The keys of the "key = value" lines of raw.lxc (comments and blank lines skipped). */
    static List<String> rawKeys(String raw) {
        List<String> keys = new ArrayList<>();
        for (String l : raw.split("\n")) {
            String line = l.strip();
            int eq = line.indexOf('=');
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (eq < 0) {
                throw new DriverException("raw.lxc: not a \"key = value\" line: " + line);
            }
            keys.add(line.substring(0, eq).strip());
        }
        return keys;
    }

    private static void line(StringBuilder sb, String key, String value) {
        if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0 || value.indexOf('\0') >= 0) {
            throw new DriverException("invalid value for " + key + ": line breaks are not allowed");
        }
        sb.append(key).append(" = ").append(value).append('\n');
    }

    private static String path(Path p) {
        if (!p.isAbsolute()) {
            throw new DriverException("path must be absolute: " + p);
        }
        return p.toString();
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
