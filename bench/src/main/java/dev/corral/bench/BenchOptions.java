package dev.corral.bench;

import java.nio.file.Path;
import java.time.Duration;

/**
 * What {@link RequestBench} should do.
 *
 * @param endpoint where to connect: a unix socket, or an HTTPS listener with a client certificate
 * @param requests total measured requests, or 0 to measure for {@code duration}
 * @param maxTime  upper bound on the measured phase when counting requests, so it always ends
 * @param body     JSON request body, or null
 * @param label    name printed for the target
 * @param resultFile where to also write the figures as key=value lines, or null
 */
record BenchOptions(Endpoint endpoint, String method, String path, String body, int concurrency, Duration warmUp,
                    Duration duration, long requests, Duration maxTime, String label, Path resultFile) {

    static final String USAGE = """
            usage: RequestBench (--socket PATH | --https HOST:PORT --cert F --key F) [options]
              --socket PATH        unix socket of the daemon
              --https HOST:PORT    HTTPS listener of the daemon ([v6]:PORT for IPv6); TLS 1.3
              --cert F             client certificate to present over HTTPS (PEM)
              --key F              its private key (PEM "PRIVATE KEY", i.e. PKCS#8; convert a SEC1
                                   "EC PRIVATE KEY" with `openssl pkcs8 -topk8 -nocrypt`)
              --server-fingerprint HEX
                                   accept only the server certificate with this SHA-256 (default: any)
              --method M           HTTP method (default GET)
              --path P             request target (default /1.0)
              --body JSON          request body, sent as application/json
              --concurrency N      connections, one request in flight each (default 8)
              --warmup S           warm-up seconds, not measured (default 2)
              --duration S         measured seconds (default 10)
              --requests N         measure N requests instead of a duration
              --max-time S         stop a --requests run after S seconds anyway (default 300)
              --label NAME         target name in the output (default: the socket path or https:// URL)
              --result-file F      also write the figures to F as key=value lines
            """;

    static BenchOptions parse(String[] argv) {
        Path socket = null;
        String https = null;
        Path cert = null;
        Path key = null;
        String fingerprint = null;
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
                case "--https" -> https = a.value(flag);
                case "--cert" -> cert = Path.of(a.value(flag));
                case "--key" -> key = Path.of(a.value(flag));
                case "--server-fingerprint" -> fingerprint = ClientTls.normaliseFingerprint(a.value(flag));
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
        Endpoint endpoint = endpoint(socket, https, cert, key, fingerprint);
        if (requests == 0 && duration.isZero()) {
            throw new IllegalArgumentException("--duration must be positive");
        }
        return new BenchOptions(endpoint, method, path, body, concurrency, warmUp, duration, requests, maxTime,
                label == null ? endpoint.describe() : label, resultFile);
    }

    private static Endpoint endpoint(Path socket, String https, Path cert, Path key, String fingerprint) {
        if ((socket == null) == (https == null)) {
            throw new IllegalArgumentException("give either --socket or --https");
        }
        if (socket != null) {
            if (cert != null || key != null || fingerprint != null) {
                throw new IllegalArgumentException("--cert, --key and --server-fingerprint go with --https");
            }
            return new Endpoint.Unix(socket);
        }
        if (cert == null || key == null) {
            throw new IllegalArgumentException("--https needs --cert and --key (a client certificate)");
        }
        return Endpoint.Https.parse(https, cert, key, fingerprint);
    }
}
