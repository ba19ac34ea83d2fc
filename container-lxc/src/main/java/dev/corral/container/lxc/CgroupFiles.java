package dev.corral.container.lxc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a running container's cgroup files directly from the host's cgroup mounts. liblxc's
 * {@code get_cgroup_item} asks the container's monitor over its command socket for every single item; a state read
 * needs four of them, and this is several times cheaper. The container's cgroup is found from its init's
 * {@code /proc/<pid>/cgroup}, cut at the {@code lxc.payload.<name>} component (init may sit in a sub-cgroup).
 */
final class CgroupFiles {

    private final Map<String, Path> v1Mounts;
    private final Path v2Mount;

    private CgroupFiles(Map<String, Path> v1Mounts, Path v2Mount) {
        this.v1Mounts = v1Mounts;
        this.v2Mount = v2Mount;
    }

    static CgroupFiles fromMountinfo(List<String> mountinfo) {
        Map<String, Path> v1 = new HashMap<>();
        Path v2 = null;
        for (String line : mountinfo) {
            String[] halves = line.split(" - ", 2);
            if (halves.length < 2) {
                continue;
            }
            String[] pre = halves[0].split(" ");
            String[] post = halves[1].split(" ");
            if (pre.length < 5 || post.length < 3) {
                continue;
            }
            Path mount = Path.of(pre[4].replace("\\040", " "));
            if (post[0].equals("cgroup2")) {
                v2 = mount;
            } else if (post[0].equals("cgroup")) {
                for (String option : post[2].split(",")) {
                    v1.putIfAbsent(option, mount);
                }
            }
        }
        return new CgroupFiles(v1, v2);
    }

    static CgroupFiles read() throws IOException {
        return fromMountinfo(Files.readAllLines(Path.of("/proc/self/mountinfo")));
    }

    /** The file's content for the container whose init is {@code pid}, or null when it cannot be found. */
    String read(long pid, String file) {
        try {
            Path path = locate(Files.readAllLines(Path.of("/proc/" + pid + "/cgroup")), file);
            return path == null ? null : Files.readString(path);
        } catch (IOException e) {
            return null;
        }
    }

    /** Where {@code file} (e.g. {@code memory.usage_in_bytes}) is, from {@code /proc/<pid>/cgroup}'s lines. */
    Path locate(List<String> procCgroup, String file) {
        String controller = file.substring(0, file.indexOf('.'));
        Path mount = v1Mounts.get(controller);
        for (String line : procCgroup) {
            String[] fields = line.split(":", 3);
            if (fields.length < 3) {
                continue;
            }
            boolean v1Match = mount != null && List.of(fields[1].split(",")).contains(controller);
            boolean v2Match = mount == null && v2Mount != null && fields[0].equals("0") && fields[1].isEmpty();
            if (v1Match || v2Match) {
                String container = payload(fields[2]);
                return container == null ? null : (v1Match ? mount : v2Mount).resolve(container).resolve(file);
            }
        }
        return null;
    }

    /** {@code /lxc.payload.c1/init.scope} → {@code lxc.payload.c1}; null when the path is not a container's. */
    static String payload(String cgroupPath) {
        StringBuilder prefix = new StringBuilder();
        for (String part : cgroupPath.split("/")) {
            if (part.isEmpty()) {
                continue;
            }
            prefix.append(prefix.length() == 0 ? "" : "/").append(part);
            if (part.startsWith("lxc.payload.")) {
                return prefix.toString();
            }
        }
        return null;
    }
}
