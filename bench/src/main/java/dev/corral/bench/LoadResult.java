package dev.corral.bench;

import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * The merged outcome of one measured phase.
 *
 * @param responses    complete HTTP responses, whatever their status
 * @param non2xx       responses whose status was not 2xx
 * @param failures     requests that got no complete response (connect, write or parse failure)
 * @param elapsedNanos from the phase start to the last worker's last response
 * @param latencyNanos latencies of all complete responses
 * @param firstFailure the first failure's message, or null
 * @param clientCpuNanos CPU time the workers used, summed
 * @param bodyBytes    response body bytes received, summed
 */
record LoadResult(long responses, long non2xx, long failures, long elapsedNanos, Histogram latencyNanos,
                  String firstFailure, long clientCpuNanos, long bodyBytes) {

    static LoadResult merge(List<PhaseStats> perWorker, long phaseStartNanos) {
        Histogram merged = new Histogram(3);
        long responses = 0;
        long non2xx = 0;
        long failures = 0;
        long end = phaseStartNanos;
        String firstFailure = null;
        long cpu = 0;
        long bytes = 0;
        for (PhaseStats s : perWorker) {
            merged.add(s.latencyNanos);
            responses += s.responses;
            non2xx += s.non2xx;
            failures += s.failures;
            end = Math.max(end, s.endNanos);
            cpu += s.cpuNanos;
            bytes += s.bodyBytes;
            if (firstFailure == null) {
                firstFailure = s.firstFailure;
            }
        }
        return new LoadResult(responses, non2xx, failures, end - phaseStartNanos, merged, firstFailure,
                cpu, bytes);
    }

    long errors() {
        return non2xx + failures;
    }

    /** Complete responses per second; failures do not count as served requests. */
    double requestsPerSecond() {
        return elapsedNanos == 0 ? 0 : responses * 1e9 / elapsedNanos;
    }

    /** Cores the client kept busy on average; near the machine's core count means the client is the limit. */
    double clientCores() {
        return elapsedNanos == 0 ? 0 : (double) clientCpuNanos / elapsedNanos;
    }

    long meanBodyBytes() {
        return responses == 0 ? 0 : bodyBytes / responses;
    }

    double percentileMillis(double percentile) {
        return latencyNanos.getTotalCount() == 0 ? 0 : latencyNanos.getValueAtPercentile(percentile) / 1e6;
    }

    double maxMillis() {
        return latencyNanos.getTotalCount() == 0 ? 0 : latencyNanos.getMaxValue() / 1e6;
    }
}
