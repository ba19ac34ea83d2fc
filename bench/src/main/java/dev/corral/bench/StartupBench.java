package dev.corral.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Times daemon start-up: from starting the launcher with an empty {@code CORRAL_DIR} to the first HTTP 200
 * for {@code GET /} on {@code $CORRAL_DIR/unix.socket}, polled every 5 ms. Repeats with a fresh directory
 * each run, stops the daemon (SIGTERM, then SIGKILL after 5 s) and deletes the directory after each.
 *
 * <p>Exit status: 0 when every run answered, 1 when one did not, 2 on bad arguments.
 */
public final class StartupBench {

    private static final Duration POLL_INTERVAL = Duration.ofMillis(5);
    private static final int LOG_TAIL_LINES = 30;

    private StartupBench() {
    }

    /** One timed start-up; {@code stopNanos} is -1 when the daemon ignored SIGTERM and was killed. */
    record Run(long readyNanos, long stopNanos) {
    }

    public static void main(String[] argv) throws IOException, InterruptedException {
        StartupOptions options;
        try {
            options = StartupOptions.parse(argv);
        } catch (IllegalArgumentException e) {
            System.err.println("StartupBench: " + e.getMessage());
            System.err.print(StartupOptions.USAGE);
            System.exit(2);
            return;
        }
        System.out.println("command      " + String.join(" ", options.command()));
        List<Long> ready = new ArrayList<>();
        for (int i = 1; i <= options.runs(); i++) {
            Run run;
            try {
                run = timeOneStart(options);
            } catch (StartupFailed e) {
                System.out.println("run " + i + "        FAILED: " + e.getMessage());
                System.out.print(e.logTail);
                System.exit(1);
                return;
            }
            ready.add(run.readyNanos());
            System.out.println(fmt("run %-8d ready %.3f ms, stopped %s", i, run.readyNanos() / 1e6,
                    run.stopNanos() < 0 ? "only by SIGKILL" : fmt("in %.3f ms after SIGTERM", run.stopNanos() / 1e6)));
        }
        System.out.println(summary(ready));
    }

    static String summary(List<Long> readyNanos) {
        long[] sorted = readyNanos.stream().mapToLong(Long::longValue).sorted().toArray();
        int n = sorted.length;
        // Median of an even count: the mean of the two middle values.
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
        return fmt("startup ms   min %.3f  median %.3f  max %.3f  (%d runs)", sorted[0] / 1e6, median / 1e6,
                sorted[n - 1] / 1e6, n);
    }

    private static Run timeOneStart(StartupOptions o) throws IOException, InterruptedException, StartupFailed {
        try (ScratchDir scratch = ScratchDir.create("corral-startup-")) {
            Path corralDir = Files.createDirectory(scratch.path().resolve("corral"));
            Path log = scratch.path().resolve("daemon.log");
            Path socket = corralDir.resolve("unix.socket");
            long start = System.nanoTime();
            try (DaemonProcess daemon = DaemonProcess.start(o.command(), corralDir, log);
                 SocketProbe probe = new SocketProbe(socket)) {
                long ready = awaitReady(daemon, probe, start + o.timeout().toNanos(), log) - start;
                return new Run(ready, daemon.stop());
            }
        }
    }

    /** Polls until HTTP 200 and returns the time it came; bounded by {@code deadlineNanos}. */
    private static long awaitReady(DaemonProcess daemon, SocketProbe probe, long deadlineNanos, Path log)
            throws InterruptedException, StartupFailed, IOException {
        String lastAnswer = "nothing yet";
        while (System.nanoTime() < deadlineNanos) {
            long tryStart = System.nanoTime();
            if (!daemon.isAlive()) {
                throw new StartupFailed("daemon exited with status " + daemon.exitValue() + " before answering",
                        log);
            }
            try {
                int status = probe.status(Duration.ofNanos(Math.max(1, deadlineNanos - tryStart)));
                if (status == 200) {
                    return System.nanoTime();
                }
                lastAnswer = "HTTP " + status;
            } catch (IOException e) {
                // Expected until the daemon has bound its socket; kept for the timeout message.
                lastAnswer = e.toString();
            }
            long sleepNanos = POLL_INTERVAL.toNanos() - (System.nanoTime() - tryStart);
            if (sleepNanos > 0) {
                Thread.sleep(sleepNanos / 1_000_000, (int) (sleepNanos % 1_000_000));
            }
        }
        throw new StartupFailed("no HTTP 200 on GET / within the timeout; last answer: " + lastAnswer, log);
    }

    private static String fmt(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }

    /** A start-up that did not answer; carries the end of the daemon's log, read before the log is deleted. */
    static final class StartupFailed extends Exception {
        final String logTail;

        StartupFailed(String message, Path log) throws IOException {
            super(message);
            // Decoding with replacement: a log with stray bytes must not hide the failure it explains.
            String text = Files.exists(log) ? new String(Files.readAllBytes(log), StandardCharsets.UTF_8) : "";
            List<String> lines = text.isEmpty() ? List.of() : List.of(text.split("\n"));
            List<String> tail = lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size());
            this.logTail = tail.isEmpty() ? "(daemon log empty)\n"
                    : "--- last lines of the daemon log ---\n" + String.join("\n", tail) + "\n";
        }
    }
}
