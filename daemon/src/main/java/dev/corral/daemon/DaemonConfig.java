package dev.corral.daemon;

import java.nio.file.Path;
import java.util.Map;

/**
 * How corrald is started, from its environment: {@code CORRAL_DIR} (default {@code /var/lib/corral}),
 * {@code CORRAL_GROUP} (group owning the unix socket, default the daemon's own), {@code CORRAL_TEST_HOOKS=1}
 * (test-only routes). The built-in busybox image comes with the distribution ({@code images/busybox.tar.gz}).
 */
public record DaemonConfig(Path dir, String socketGroup, boolean testHooks, Path builtInImage) {

    /** @param home the distribution directory (bin/, lib/, images/), or null when unknown */
    public static DaemonConfig fromEnvironment(Map<String, String> env, Path home) {
        String dir = env.getOrDefault("CORRAL_DIR", "/var/lib/corral");
        String group = env.get("CORRAL_GROUP");
        return new DaemonConfig(Path.of(dir).toAbsolutePath(), group == null || group.isEmpty() ? null : group,
                "1".equals(env.get("CORRAL_TEST_HOOKS")),
                home == null ? null : home.resolve("images").resolve("busybox.tar.gz"));
    }

    public Path socket() {
        return dir.resolve("unix.socket");
    }

    public Path database() {
        return dir.resolve("database");
    }
}
