package dev.corral.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What {@link LifecycleBench} should do.
 *
 * @param image        image alias the instances are created from
 * @param profiles     profiles for the new instances, or empty to let the server apply its default profile
 * @param count        instances (N)
 * @param parallel     lifecycle operations in flight at once (P)
 * @param prefix       instance names are {@code prefix01}, {@code prefix02}...; the sweeps delete every instance
 *                     whose name starts with it
 * @param requests     requests per latency phase (list, state)
 * @param concurrency  connections of a latency phase
 * @param warmUp       unmeasured load before each latency phase
 * @param opTimeout    the longest one lifecycle operation may take (request plus operation wait)
 * @param phaseTimeout the longest one lifecycle phase may take; also bounds each sweep
 * @param latencyTime  the longest one latency phase may take (warm-up not included)
 * @param sweepOnly    only delete leftover instances of the prefix, measure nothing
 */
record LifecycleOptions(Path socket, String label, String image, List<String> profiles, int count, int parallel,
                        String prefix, int requests, int concurrency, Duration warmUp, Duration opTimeout,
                        Duration phaseTimeout, Duration latencyTime, Path resultFile, boolean sweepOnly) {

    static final String USAGE = """
            usage: LifecycleBench --socket PATH [options]
              --socket PATH        unix socket of the daemon (required)
              --label NAME         target name in the output (default: the socket path)
              --image ALIAS        image alias to create instances from (default busybox)
              --profile NAME       profile for the new instances; repeatable (default: the server's default)
              --count N            instances (default 20)
              --parallel P         lifecycle operations in flight at once (default 2)
              --prefix P           instance name prefix (default corralbench-); the sweeps delete all its instances
              --requests N         requests per latency phase, list and state (default 500)
              --concurrency N      connections per latency phase (default 8)
              --warmup S           unmeasured seconds before each latency phase (default 1)
              --op-timeout S       limit for one lifecycle operation (default 120)
              --phase-timeout S    limit for one lifecycle phase or sweep (default 300)
              --latency-time S     limit for one latency phase (default 60)
              --result-file F      also write the figures to F as key=value lines
              --sweep-only         only delete the prefix's leftover instances
            """;

    /** Instance names: letters, digits and dashes, starting with a letter (what Incus accepts). */
    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9-]*");

    static LifecycleOptions parse(String[] argv) {
        Path socket = null;
        String label = null;
        String image = "busybox";
        List<String> profiles = new ArrayList<>();
        int count = 20;
        int parallel = 2;
        String prefix = "corralbench-";
        int requests = 500;
        int concurrency = 8;
        Duration warmUp = Duration.ofSeconds(1);
        Duration opTimeout = Duration.ofSeconds(120);
        Duration phaseTimeout = Duration.ofSeconds(300);
        Duration latencyTime = Duration.ofSeconds(60);
        Path resultFile = null;
        boolean sweepOnly = false;
        Args a = new Args(argv);
        while (a.hasNext()) {
            String flag = a.nextFlag();
            switch (flag) {
                case "--socket" -> socket = Path.of(a.value(flag));
                case "--label" -> label = a.value(flag);
                case "--image" -> image = a.value(flag);
                case "--profile" -> profiles.add(a.value(flag));
                case "--count" -> count = a.positiveInt(flag);
                case "--parallel" -> parallel = a.positiveInt(flag);
                case "--prefix" -> prefix = a.value(flag);
                case "--requests" -> requests = a.positiveInt(flag);
                case "--concurrency" -> concurrency = a.positiveInt(flag);
                case "--warmup" -> warmUp = a.seconds(flag);
                case "--op-timeout" -> opTimeout = a.seconds(flag);
                case "--phase-timeout" -> phaseTimeout = a.seconds(flag);
                case "--latency-time" -> latencyTime = a.seconds(flag);
                case "--result-file" -> resultFile = Path.of(a.value(flag));
                case "--sweep-only" -> sweepOnly = true;
                default -> throw new IllegalArgumentException("unknown option " + flag);
            }
        }
        if (socket == null) {
            throw new IllegalArgumentException("--socket is required");
        }
        if (count > 999) {
            throw new IllegalArgumentException("--count must be at most 999");
        }
        if (!NAME.matcher(prefix).matches()) {
            throw new IllegalArgumentException("--prefix must be letters, digits and dashes, starting with a letter: "
                    + prefix);
        }
        for (Duration d : List.of(opTimeout, phaseTimeout, latencyTime)) {
            if (d.isZero()) {
                throw new IllegalArgumentException("time limits must be positive");
            }
        }
        return new LifecycleOptions(socket, label == null ? socket.toString() : label, image, List.copyOf(profiles),
                count, parallel, prefix, requests, concurrency, warmUp, opTimeout, phaseTimeout, latencyTime,
                resultFile, sweepOnly);
    }

    LifecycleOptions withPhaseTimeout(Duration limit) {
        return new LifecycleOptions(socket, label, image, profiles, count, parallel, prefix, requests, concurrency,
                warmUp, opTimeout, limit, latencyTime, resultFile, sweepOnly);
    }

    /** {@code prefix01}... with enough digits for {@code count}, so the names sort in creation order. */
    List<String> names() {
        int digits = Math.max(2, String.valueOf(count).length());
        List<String> names = new ArrayList<>(count);
        for (int i = 1; i <= count; i++) {
            names.add(prefix + String.format("%0" + digits + "d", i));
        }
        return names;
    }
}
