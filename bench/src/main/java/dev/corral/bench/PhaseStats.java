package dev.corral.bench;

import org.HdrHistogram.Histogram;

/**
 * What one worker saw during one phase. Owned by that worker until it ends, then merged by the main thread
 * (the {@link Thread#join} gives the happens-before edge, so no field needs to be volatile).
 */
final class PhaseStats {

    /** Auto-resizing, 3 significant digits: 0.1% resolution whatever the latency range turns out to be. */
    final Histogram latencyNanos = new Histogram(3);
    long responses;
    long bodyBytes;
    long non2xx;
    long failures;
    long endNanos;
    /** CPU time this worker's thread spent in the phase: the client's own cost, to show it is not the limit. */
    long cpuNanos;
    String firstFailure;

    void recordResponse(long nanos, ResponseReader.Response response) {
        latencyNanos.recordValue(nanos);
        responses++;
        bodyBytes += response.bodyBytes();
        if (!response.success()) {
            non2xx++;
        }
    }

    void recordFailure(Exception e) {
        failures++;
        if (firstFailure == null) {
            firstFailure = e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }
}
