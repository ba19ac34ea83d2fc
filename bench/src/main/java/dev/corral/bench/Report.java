package dev.corral.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Locale;

/** Formats a {@link LoadResult} for people (aligned lines) and for scripts (key=value lines). */
final class Report {

    private Report() {
    }

    static String human(BenchOptions o, LoadResult r) {
        StringBuilder b = new StringBuilder();
        line(b, "target", o.label() + " (" + o.endpoint().describe() + ")");
        line(b, "request", o.method() + " " + o.path() + ", " + o.concurrency() + " connections, warm-up "
                + fmt("%.3f s", o.warmUp().toNanos() / 1e9));
        line(b, "measured", r.responses() + " responses in " + fmt("%.3f s", r.elapsedNanos() / 1e9));
        line(b, "errors", r.errors() + " (non-2xx " + r.non2xx() + ", failures " + r.failures() + ")"
                + (r.firstFailure() == null ? "" : "; first failure: " + r.firstFailure()));
        line(b, "body bytes", r.meanBodyBytes() + " per response (mean)");
        line(b, "req/s", fmt("%.1f", r.requestsPerSecond()));
        line(b, "latency ms", fmt("p50 %.3f  p90 %.3f  p99 %.3f  max %.3f", r.percentileMillis(50),
                r.percentileMillis(90), r.percentileMillis(99), r.maxMillis()));
        line(b, "client cpu", fmt("%.2f cores of %d (%.1f us per response)", r.clientCores(),
                Runtime.getRuntime().availableProcessors(),
                r.responses() == 0 ? 0 : r.clientCpuNanos() / 1e3 / r.responses()));
        return b.toString();
    }

    static String keyValues(BenchOptions o, LoadResult r) {
        return "label=" + o.label() + "\n"
                + "endpoint=" + o.endpoint().describe() + "\n"
                + "method=" + o.method() + "\n"
                + "path=" + o.path() + "\n"
                + "concurrency=" + o.concurrency() + "\n"
                + "responses=" + r.responses() + "\n"
                + "body_bytes=" + r.meanBodyBytes() + "\n"
                + "elapsed_s=" + fmt("%.3f", r.elapsedNanos() / 1e9) + "\n"
                + "rps=" + fmt("%.1f", r.requestsPerSecond()) + "\n"
                + "p50_ms=" + fmt("%.3f", r.percentileMillis(50)) + "\n"
                + "p90_ms=" + fmt("%.3f", r.percentileMillis(90)) + "\n"
                + "p99_ms=" + fmt("%.3f", r.percentileMillis(99)) + "\n"
                + "max_ms=" + fmt("%.3f", r.maxMillis()) + "\n"
                + "errors=" + r.errors() + "\n"
                + "non2xx=" + r.non2xx() + "\n"
                + "failures=" + r.failures() + "\n"
                + "client_cores=" + fmt("%.2f", r.clientCores()) + "\n";
    }

    static void writeKeyValues(BenchOptions o, LoadResult r) throws IOException {
        if (o.resultFile() != null) {
            Files.writeString(o.resultFile(), keyValues(o, r), StandardCharsets.UTF_8);
        }
    }

    private static void line(StringBuilder b, String key, String value) {
        b.append(String.format(Locale.ROOT, "%-12s %s%n", key, value));
    }

    /** Always a decimal point, whatever the machine's locale, so scripts can parse the figures. */
    private static String fmt(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
