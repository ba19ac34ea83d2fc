package dev.corral.storage;

/** Counts bytes of one stage and passes them to a {@link Progress}, throttled (each percent, or every 100 ms). */
final class ProgressMeter {

    private static final long INTERVAL_NANOS = 100_000_000L;

    private final Progress progress;
    private final String stage;
    private final long total;
    private long done;
    private int lastPercent = -1;
    private long lastReport;

    ProgressMeter(Progress progress, String stage, long total) {
        this.progress = progress;
        this.stage = stage;
        this.total = total;
    }

    void add(long bytes) {
        done += bytes;
        if (total > 0) {
            int percent = Progress.percent(done, total);
            if (percent != lastPercent) {
                lastPercent = percent;
                progress.update(stage, done, total);
            }
            return;
        }
        long now = System.nanoTime();
        if (now - lastReport >= INTERVAL_NANOS) {
            lastReport = now;
            progress.update(stage, done, total);
        }
    }

    void finish() {
        if (total <= 0 || lastPercent != 100) {
            progress.update(stage, done, total > 0 ? total : done);
        }
    }

    long done() {
        return done;
    }
}
