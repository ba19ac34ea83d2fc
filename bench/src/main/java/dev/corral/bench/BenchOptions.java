package dev.corral.bench;

import java.nio.file.Path;
import java.time.Duration;

/**
 * What {@link RequestBench} should do.
 *
 * @param requests total measured requests, or 0 to measure for {@code duration}
 * @param maxTime  upper bound on the measured phase when counting requests, so it always ends
 * @param body     JSON request body, or null
 * @param label    name printed for the target
 * @param resultFile where to also write the figures as key=value lines, or null
 */
record BenchOptions(Path socket, String method, String path, String body, int concurrency, Duration warmUp,
                    Duration duration, long requests, Duration maxTime, String label, Path resultFile) {

    static final String USAGE = """
            usage: RequestBench --socket PATH [options]
              --socket PATH        unix socket of the daemon (required)
              --method M           HTTP method (default GET)
              --path P             request target (default /1.0)
              --body JSON          request body, sent as application/json
              --concurrency N      connections, one request in flight each (default 8)
              --warmup S           warm-up seconds, not measured (default 2)
              --duration S         measured seconds (default 10)
              --requests N         measure N requests instead of a duration
              --max-time S         stop a --requests run after S seconds anyway (default 300)
              --label NAME         target name in the output (default: the socket path)
              --result-file F      also write the figures to F as key=value lines
            """;

    static BenchOptions parse(String[] argv) {
        Path socket = null;
        String method = "GET";
        String path = "/1.0";
        String body = null;
        int concurrency = 8;
        Duration warmUp = Duration.ofSeconds(2);
        Duration duration = Duration.ofSeconds(10);
        long requests = 0;
        Duration maxTime = Duration.ofSeconds(300);
        String label = null;
        Path resultFile = null;
        Args a = new Args(argv);
        while (a.hasNext()) {
            String flag = a.nextFlag();
            switch (flag) {
                case "--socket" -> socket = Path.of(a.value(flag));
                case "--method" -> method = a.value(flag);
                case "--path" -> path = a.value(flag);
                case "--body" -> body = a.value(flag);
                case "--concurrency" -> concurrency = a.positiveInt(flag);
                case "--warmup" -> warmUp = a.seconds(flag);
                case "--duration" -> duration = a.seconds(flag);
                case "--requests" -> requests = a.positiveInt(flag);
                case "--max-time" -> maxTime = a.seconds(flag);
                case "--label" -> label = a.value(flag);
                case "--result-file" -> resultFile = Path.of(a.value(flag));
                default -> throw new IllegalArgumentException("unknown option " + flag);
            }
        }
        if (socket == null) {
            throw new IllegalArgumentException("--socket is required");
        }
        if (requests == 0 && duration.isZero()) {
            throw new IllegalArgumentException("--duration must be positive");
        }
        return new BenchOptions(socket, method, path, body, concurrency, warmUp, duration, requests, maxTime,
                label == null ? socket.toString() : label, resultFile);
    }
}
