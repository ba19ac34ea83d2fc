package dev.corral.daemon.instances.logs;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Which files of an instance's log directory the logs API serves: Incus's rule ({@code lxc.log}, {@code qemu.log},
 * {@code qemu.early.log}, {@code qemu.qmp.log}, {@code migration_*} and {@code snapshot_*}), made strict: a name is
 * one plain path element (no {@code /}, NUL, {@code ..}, control characters), so nothing outside the directory can
 * be named. The console log is not one of them ({@code /console} serves it), nor is recorded exec output
 * ({@code /logs/exec-output}).
 */
final class LogFiles {

    private static final List<String> NAMES = List.of("lxc.log", "qemu.log", "qemu.early.log", "qemu.qmp.log");
    private static final List<String> PREFIXES = List.of("migration_", "snapshot_");
    /** What may follow a prefix: a plain file name. */
    private static final Pattern REST = Pattern.compile("[A-Za-z0-9._+-]{1,200}");
    /** Never deleted (Incus: "Only log files excluding qemu.log and lxc.log may be deleted"). */
    private static final List<String> KEPT = List.of("lxc.log", "qemu.log");

    private LogFiles() {
    }

    static boolean valid(String name) {
        if (name == null) {
            return false;
        }
        if (NAMES.contains(name)) {
            return true;
        }
        for (String prefix : PREFIXES) {
            if (name.startsWith(prefix)) {
                String rest = name.substring(prefix.length());
                return REST.matcher(rest).matches() && !rest.contains("..");
            }
        }
        return false;
    }

    /** A valid name that may be deleted: a {@code .log} file other than lxc.log and qemu.log. */
    static boolean deletable(String name) {
        return valid(name) && name.endsWith(".log") && !KEPT.contains(name);
    }
}
