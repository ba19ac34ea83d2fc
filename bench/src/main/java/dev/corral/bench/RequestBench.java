package dev.corral.bench;

import java.io.IOException;
import java.security.GeneralSecurityException;

/**
 * Load generator: keeps {@code --concurrency} keep-alive HTTP/1.1 connections to a unix socket or an HTTPS
 * listener busy with one request each, then prints throughput, latency percentiles and errors.
 *
 * <p>Exit status: 0 when at least one response came back, 1 when none did, 2 on bad arguments (including a
 * client certificate or key that cannot be read).
 */
public final class RequestBench {

    private RequestBench() {
    }

    public static void main(String[] argv) throws InterruptedException, IOException {
        BenchOptions options;
        Endpoint.Connector connector;
        try {
            options = BenchOptions.parse(argv);
        } catch (IllegalArgumentException e) {
            System.err.println("RequestBench: " + e.getMessage());
            System.err.print(BenchOptions.USAGE);
            System.exit(2);
            return;
        }
        try {
            connector = options.endpoint().connector();
        } catch (IOException | GeneralSecurityException e) {
            System.err.println("RequestBench: cannot prepare " + options.endpoint().describe() + ": " + e);
            System.exit(2);
            return;
        }
        LoadResult result = LoadRun.run(options, connector);
        System.out.print(Report.human(options, result));
        Report.writeKeyValues(options, result);
        if (result.responses() == 0) {
            System.exit(1);
        }
    }
}
