package dev.corral.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a warm-up phase then a measured phase with {@code concurrency} closed-loop workers, and merges what
 * they measured. Never outlives its deadlines by more than a short grace: a worker still stuck past it
 * (a server that stopped answering) is interrupted, which closes its socket.
 */
final class LoadRun {

    /** How long past the last deadline a worker may take to finish its in-flight request. */
    private static final Duration GRACE = Duration.ofSeconds(10);

    private LoadRun() {
    }

    /** Runs what {@code o} says, through {@code connector} (made from {@code o.endpoint()}). */
    static LoadResult run(BenchOptions o, Endpoint.Connector connector) throws InterruptedException {
        HttpRequest request = HttpRequest.of(o.method(), o.path(), o.body());
        return run(connector, List.of(request), o.concurrency(), o.warmUp(),
                o.requests() > 0 ? o.maxTime() : o.duration(), o.requests() > 0 ? o.requests() : Long.MAX_VALUE);
    }

    /**
     * Runs {@code concurrency} workers that send {@code requests} in turn (worker i starts at request i): a
     * warm-up of {@code warmUp}, then a measured phase that ends after {@code count} responses or
     * {@code measuredTime}, whichever comes first.
     */
    static LoadResult run(Endpoint.Connector connector, List<HttpRequest> requests, int concurrency, Duration warmUp,
                          Duration measuredTime, long count) throws InterruptedException {
        long now = System.nanoTime();
        Budget warmUpBudget = new Budget(now, now + warmUp.toNanos(), Long.MAX_VALUE);
        long measuredStart = warmUpBudget.deadlineNanos();
        Budget measured = new Budget(measuredStart, measuredStart + measuredTime.toNanos(), count);

        List<Worker> workers = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < concurrency; i++) {
            Worker w = new Worker(connector, requests, i, List.of(warmUpBudget, measured));
            Thread t = new Thread(w, "bench-worker-" + i);
            t.setDaemon(true);
            workers.add(w);
            threads.add(t);
            t.start();
        }
        joinAll(threads, measured.deadlineNanos() + GRACE.toNanos());

        List<PhaseStats> measuredStats = new ArrayList<>();
        for (Worker w : workers) {
            if (w.stats().size() < 2) {
                // Only an unexpected RuntimeException ends a worker early; its stack trace is already printed.
                throw new IllegalStateException("a worker died before the measured phase");
            }
            measuredStats.add(w.stats().get(1));
        }
        return LoadResult.merge(measuredStats, measuredStart);
    }

    private static void joinAll(List<Thread> threads, long hardDeadlineNanos) throws InterruptedException {
        for (Thread t : threads) {
            long leftMillis = Math.max(1, (hardDeadlineNanos - System.nanoTime()) / 1_000_000);
            t.join(leftMillis);
        }
        boolean stuck = false;
        for (Thread t : threads) {
            if (t.isAlive()) {
                stuck = true;
                t.interrupt();
            }
        }
        if (!stuck) {
            return;
        }
        for (Thread t : threads) {
            t.join(GRACE.toMillis());
            if (t.isAlive()) {
                throw new IllegalStateException(t.getName() + " did not stop after being interrupted");
            }
        }
    }
}
