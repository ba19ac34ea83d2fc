package dev.corral.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.Histogram;

/**
 * Instance lifecycle benchmark over the REST API: launches N containers from an image alias, P at a time
 * ({@code POST /1.0/instances} with {@code "start": true}, then the operation's {@code /wait}), force-stops,
 * starts, freezes and unfreezes them all, measures {@code GET /1.0/instances?recursion=1} and
 * {@code GET /1.0/instances/<name>/state} latency with all of them running, then force-stops and deletes them.
 *
 * <p>Every phase has a time limit. Instances named with the prefix are deleted by a sweep before the run (leftovers
 * of an interrupted run) and after it, whatever happened in between.
 *
 * <p>Exit status: 0 when every operation and request succeeded, 1 when one did not, 2 on bad arguments.
 */
public final class LifecycleBench {

    /** How long past a phase's limit its workers may take to notice; after that they are interrupted. */
    private static final Duration GRACE = Duration.ofSeconds(15);
    /** Error messages printed per phase; the rest are counted. */
    private static final int ERRORS_SHOWN = 5;

    /** Set when the JVM is being killed: lifecycle workers start no new operation. */
    private static volatile boolean killed;
    /** Lifecycle operations running now, so the kill hook can let them end before it sweeps. */
    private static final AtomicInteger IN_FLIGHT = new AtomicInteger();

    private LifecycleBench() {
    }

    /** One lifecycle operation on one instance; throws when it did not succeed. */
    @FunctionalInterface
    interface Op {
        void run(RestClient client, String name, long deadlineNanos) throws IOException, RestClient.Failed;
    }

    /**
     * What one phase measured.
     *
     * @param ops          operations (or requests) that succeeded
     * @param errors       operations (or requests) that failed or were not attempted in time
     * @param elapsedNanos from the phase start to its last answer
     * @param latencyNanos per-operation latency of the successful ones (all complete answers for a latency phase)
     * @param messages     what went wrong, request and answer, in the order seen
     * @param succeeded    instances the phase's operation succeeded on (empty for a latency phase)
     */
    record Phase(String name, long ops, long errors, long elapsedNanos, Histogram latencyNanos, List<String> messages,
                 List<String> succeeded) {

        double rate() {
            return elapsedNanos == 0 ? 0 : ops * 1e9 / elapsedNanos;
        }

        double percentileMillis(double p) {
            return latencyNanos.getTotalCount() == 0 ? 0 : latencyNanos.getValueAtPercentile(p) / 1e6;
        }

        double maxMillis() {
            return latencyNanos.getTotalCount() == 0 ? 0 : latencyNanos.getMaxValue() / 1e6;
        }
    }

    public static void main(String[] argv) throws InterruptedException, IOException {
        LifecycleOptions options;
        try {
            options = LifecycleOptions.parse(argv);
        } catch (IllegalArgumentException e) {
            System.err.println("LifecycleBench: " + e.getMessage());
            System.err.print(LifecycleOptions.USAGE);
            System.exit(2);
            return;
        }
        System.exit(run(options));
    }

    /** Runs the benchmark (or only the sweep), prints the report, and returns the exit status. */
    static int run(LifecycleOptions o) throws InterruptedException, IOException {
        line("target", o.label().equals(o.socket().toString()) ? o.label() : o.label() + " (" + o.socket() + ")");
        if (o.sweepOnly()) {
            Phase sweep = sweep(o, "sweep");
            return sweep.errors() == 0 ? 0 : 1;
        }
        line("instances", o.count() + " from image " + o.image() + ", profiles "
                + (o.profiles().isEmpty() ? "(server default)" : String.join(",", o.profiles()))
                + ", " + o.parallel() + " operations at a time");
        line("latency", o.requests() + " requests per phase on " + o.concurrency() + " connections, warm-up "
                + fmt("%.1f s", o.warmUp().toNanos() / 1e9));
        List<Phase> phases = new ArrayList<>();
        Phase before = null;
        Phase after = null;
        long start = System.nanoTime();
        // Killed mid-run (SIGTERM, Ctrl-C), the JVM skips the finally below but runs this hook: sweep then.
        Thread onKill = new Thread(() -> {
            System.out.println("== killed: deleting the " + o.prefix() + "* instances before exiting");
            killed = true;
            try {
                // An operation that is running may still create an instance: let it end (bounded) first.
                long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (IN_FLIGHT.get() > 0 && System.nanoTime() < until) {
                    Thread.sleep(50);
                }
                sweep(o.withPhaseTimeout(Duration.ofSeconds(60)), "sweep-on-exit");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "sweep-on-exit");
        Runtime.getRuntime().addShutdownHook(onKill);
        try {
            before = sweep(o, "sweep-before");
            lifecycle(o, phases);
        } finally {
            removeHook(onKill);
            after = sweep(o, "sweep-after");
        }
        long total = System.nanoTime() - start;
        System.out.print(table(phases));
        line("total", fmt("%.3f s including sweeps", total / 1e9));
        long errors = phases.stream().mapToLong(Phase::errors).sum() + before.errors() + after.errors();
        if (o.resultFile() != null) {
            Files.writeString(o.resultFile(), keyValues(o, phases, before, after, errors), StandardCharsets.UTF_8);
        }
        if (errors > 0) {
            System.out.println("errors       " + errors + " in all (see the messages above)");
        }
        return errors == 0 ? 0 : 1;
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // The JVM is shutting down already: the hook is running the sweep.
        }
    }

    /** The measured phases, in order; each acts on the instances the one before left in the expected state. */
    private static void lifecycle(LifecycleOptions o, List<Phase> phases) throws InterruptedException, IOException {
        Map<String, Object> source = new LinkedHashMap<>();
        source.put("type", "image");
        source.put("alias", o.image());
        Phase launch = ops(o, phases, "launch", o.names(), (c, name, deadline) -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", name);
            body.put("source", source);
            if (!o.profiles().isEmpty()) {
                body.put("profiles", o.profiles());
            }
            body.put("start", true);
            c.run("POST", "/1.0/instances", body, deadline);
        });
        Phase stop = ops(o, phases, "stop", launch.succeeded(), state(Map.of("action", "stop", "force", true)));
        Phase start = ops(o, phases, "start", stop.succeeded(), state(Map.of("action", "start")));
        Phase freeze = ops(o, phases, "freeze", start.succeeded(), state(Map.of("action", "freeze")));
        Phase unfreeze = ops(o, phases, "unfreeze", freeze.succeeded(), state(Map.of("action", "unfreeze")));

        List<String> running = new ArrayList<>(unfreeze.succeeded());
        // Running but never frozen (freeze failed): still running, still worth measuring.
        start.succeeded().stream().filter(n -> !freeze.succeeded().contains(n)).forEach(running::add);
        latency(o, phases, "list", List.of(HttpRequest.of("GET", "/1.0/instances?recursion=1", null)));
        if (running.isEmpty()) {
            System.out.println("== state: skipped, no instance is running");
        } else {
            List<HttpRequest> requests = running.stream()
                    .map(n -> HttpRequest.of("GET", "/1.0/instances/" + n + "/state", null)).toList();
            latency(o, phases, "state", requests);
        }

        Phase stop2 = ops(o, phases, "stop2", running, state(Map.of("action", "stop", "force", true)));
        List<String> stopped = new ArrayList<>(stop2.succeeded());
        // Stopped by the first stop but never started again: they can be deleted too.
        stop.succeeded().stream().filter(n -> !start.succeeded().contains(n)).forEach(stopped::add);
        ops(o, phases, "delete", stopped, (c, name, deadline) ->
                c.run("DELETE", "/1.0/instances/" + name, null, deadline));
    }

    private static Op state(Map<String, Object> body) {
        return (c, name, deadline) -> c.run("PUT", "/1.0/instances/" + name + "/state", body, deadline);
    }

    /**
     * Deletes every instance named with the prefix: force-stop (its failure is ignored: the instance may be
     * stopped already), then delete. Bounded by the phase limit.
     */
    static Phase sweep(LifecycleOptions o, String name) throws InterruptedException {
        List<String> leftovers;
        try (RestClient c = new RestClient(o.socket())) {
            leftovers = c.instanceNames().stream().filter(n -> n.startsWith(o.prefix())).sorted().toList();
        } catch (IOException | RestClient.Failed e) {
            String m = "listing instances failed: " + e.getMessage();
            System.out.println("== " + name + ": " + m);
            return new Phase(name, 0, 1, 0, new Histogram(3), List.of(m), List.of());
        }
        if (leftovers.isEmpty()) {
            System.out.println("== " + name + ": no instance named " + o.prefix() + "*");
            return new Phase(name, 0, 0, 0, new Histogram(3), List.of(), List.of());
        }
        Phase p = runOps(o, name, leftovers, false, (c, n, deadline) -> {
            try {
                c.run("PUT", "/1.0/instances/" + n + "/state", Map.of("action", "stop", "force", true), deadline);
            } catch (RestClient.Failed e) {
                // Already stopped, most likely; if not, the delete below fails and says why.
            }
            c.run("DELETE", "/1.0/instances/" + n, null, deadline);
        });
        System.out.println("   deleted " + p.ops() + " of " + leftovers.size() + ": " + String.join(" ", p.succeeded()));
        return p;
    }

    private static Phase ops(LifecycleOptions o, List<Phase> phases, String name, List<String> instances, Op op)
            throws InterruptedException {
        Phase p = runOps(o, name, instances, true, op);
        phases.add(p);
        return p;
    }

    /**
     * Runs {@code op} on every instance, {@code parallel} at a time, within the phase limit.
     *
     * @param stopOnKill start no new operation once the JVM is being killed (true for all but the sweeps)
     */
    static Phase runOps(LifecycleOptions o, String name, List<String> instances, boolean stopOnKill, Op op)
            throws InterruptedException {
        System.out.println("== " + name + ": " + instances.size() + " instances, " + o.parallel() + " at a time");
        long start = System.nanoTime();
        long deadline = start + o.phaseTimeout().toNanos();
        AtomicInteger next = new AtomicInteger();
        int n = Math.max(1, Math.min(o.parallel(), instances.size()));
        List<OpWorker> workers = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            OpWorker w = new OpWorker(o, instances, next, op, deadline, stopOnKill);
            Thread t = new Thread(w, name + "-" + i);
            t.setDaemon(true);
            workers.add(w);
            threads.add(t);
            t.start();
        }
        joinAll(threads, deadline + GRACE.toNanos());

        Histogram latency = new Histogram(3);
        Set<String> ok = new HashSet<>();
        List<String> messages = new ArrayList<>();
        long end = start;
        for (OpWorker w : workers) {
            latency.add(w.latency);
            ok.addAll(w.succeeded);
            messages.addAll(w.messages);
            end = Math.max(end, w.endNanos);
        }
        List<String> succeeded = instances.stream().filter(ok::contains).toList();
        long notTried = instances.size() - succeeded.size() - messages.size();
        if (notTried > 0) {
            messages.add(notTried + " instance(s) not tried: " + (killed && stopOnKill ? "the run is being killed"
                    : "the phase's limit of " + o.phaseTimeout().toSeconds() + " s passed"));
        }
        Phase p = new Phase(name, succeeded.size(), instances.size() - succeeded.size(), end - start, latency,
                messages, succeeded);
        printErrors(p);
        return p;
    }

    /** Runs one closed-loop latency phase over {@code requests} with the module's load generator. */
    private static void latency(LifecycleOptions o, List<Phase> phases, String name, List<HttpRequest> requests)
            throws InterruptedException {
        System.out.println("== " + name + ": " + o.requests() + " x " + requests.get(0).method() + " "
                + (requests.size() == 1 ? requests.get(0).path() : "/1.0/instances/<" + requests.size()
                + " names in turn>/state") + ", " + o.concurrency() + " connections");
        LoadResult r = LoadRun.run(new Endpoint.Unix(o.socket()).connector(), requests, o.concurrency(), o.warmUp(),
                o.latencyTime(), o.requests());
        List<String> messages = new ArrayList<>();
        if (r.firstFailure() != null) {
            messages.add(r.failures() + " request(s) got no answer; first: " + r.firstFailure());
        }
        if (r.non2xx() > 0) {
            // The load generator does not keep bodies: ask once more to quote what the server says.
            HttpRequest first = requests.get(0);
            String quote;
            try (RestClient c = new RestClient(o.socket())) {
                quote = c.call(first.method(), first.path(), null).quote();
            } catch (IOException e) {
                quote = "(asking again failed: " + e + ")";
            }
            messages.add(r.non2xx() + " answer(s) not 2xx; " + first.method() + " " + first.path() + " -> " + quote);
        }
        if (r.responses() + r.failures() < o.requests()) {
            messages.add((o.requests() - r.responses() - r.failures()) + " request(s) not sent: the phase's limit of "
                    + o.latencyTime().toSeconds() + " s passed");
        }
        long ok = r.responses() - r.non2xx();
        Phase p = new Phase(name, ok, o.requests() - ok, r.elapsedNanos(), r.latencyNanos(), messages, List.of());
        printErrors(p);
        phases.add(p);
    }

    private static void printErrors(Phase p) {
        for (int i = 0; i < Math.min(ERRORS_SHOWN, p.messages().size()); i++) {
            System.out.println("   error: " + p.messages().get(i));
        }
        if (p.messages().size() > ERRORS_SHOWN) {
            System.out.println("   ... and " + (p.messages().size() - ERRORS_SHOWN) + " more");
        }
    }

    private static void joinAll(List<Thread> threads, long hardDeadlineNanos) throws InterruptedException {
        for (Thread t : threads) {
            t.join(Math.max(1, (hardDeadlineNanos - System.nanoTime()) / 1_000_000));
        }
        for (Thread t : threads) {
            if (t.isAlive()) {
                // Closes its socket: the blocked request fails and the worker records that.
                t.interrupt();
            }
        }
        for (Thread t : threads) {
            t.join(GRACE.toMillis());
            if (t.isAlive()) {
                throw new IllegalStateException(t.getName() + " did not stop after being interrupted");
            }
        }
    }

    static String table(List<Phase> phases) {
        StringBuilder b = new StringBuilder();
        b.append(fmt("%-10s %6s %6s %9s %9s %9s %9s %9s%n", "phase", "ok", "errors", "total s", "ops/s", "p50 ms",
                "p99 ms", "max ms"));
        for (Phase p : phases) {
            b.append(fmt("%-10s %6d %6d %9.3f %9.2f %9.3f %9.3f %9.3f%n", p.name(), p.ops(), p.errors(),
                    p.elapsedNanos() / 1e9, p.rate(), p.percentileMillis(50), p.percentileMillis(99), p.maxMillis()));
        }
        return b.toString();
    }

    static String keyValues(LifecycleOptions o, List<Phase> phases, Phase before, Phase after, long errors) {
        StringBuilder b = new StringBuilder();
        b.append("label=").append(o.label()).append('\n');
        b.append("count=").append(o.count()).append('\n');
        b.append("parallel=").append(o.parallel()).append('\n');
        b.append("requests=").append(o.requests()).append('\n');
        b.append("concurrency=").append(o.concurrency()).append('\n');
        b.append("sweep_before_deleted=").append(before.ops()).append('\n');
        b.append("sweep_after_deleted=").append(after.ops()).append('\n');
        for (Phase p : phases) {
            String k = p.name() + "_";
            b.append(k).append("ok=").append(p.ops()).append('\n');
            b.append(k).append("errors=").append(p.errors()).append('\n');
            b.append(k).append("seconds=").append(fmt("%.3f", p.elapsedNanos() / 1e9)).append('\n');
            b.append(k).append("rate=").append(fmt("%.2f", p.rate())).append('\n');
            b.append(k).append("p50_ms=").append(fmt("%.3f", p.percentileMillis(50))).append('\n');
            b.append(k).append("p99_ms=").append(fmt("%.3f", p.percentileMillis(99))).append('\n');
            b.append(k).append("max_ms=").append(fmt("%.3f", p.maxMillis())).append('\n');
        }
        b.append("errors=").append(errors).append('\n');
        return b.toString();
    }

    private static void line(String key, String value) {
        System.out.print(fmt("%-12s %s%n", key, value));
    }

    private static String fmt(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }

    /** One of the P lifecycle workers: takes the next instance, runs the operation, records what happened. */
    private static final class OpWorker implements Runnable {
        private final LifecycleOptions options;
        private final List<String> instances;
        private final AtomicInteger next;
        private final Op op;
        private final long phaseDeadline;
        private final boolean stopOnKill;
        final Histogram latency = new Histogram(3);
        final List<String> succeeded = new ArrayList<>();
        final List<String> messages = new ArrayList<>();
        long endNanos;

        OpWorker(LifecycleOptions options, List<String> instances, AtomicInteger next, Op op, long phaseDeadline,
                 boolean stopOnKill) {
            this.options = options;
            this.instances = instances;
            this.next = next;
            this.op = op;
            this.phaseDeadline = phaseDeadline;
            this.stopOnKill = stopOnKill;
        }

        @Override
        public void run() {
            try (RestClient client = new RestClient(options.socket())) {
                // Bounded: every turn takes a new instance, and an interrupt or the phase limit ends the loop.
                while (!Thread.currentThread().isInterrupted() && !(stopOnKill && killed)) {
                    int i = next.getAndIncrement();
                    long start = System.nanoTime();
                    if (i >= instances.size() || start >= phaseDeadline) {
                        return;
                    }
                    String name = instances.get(i);
                    IN_FLIGHT.incrementAndGet();
                    try {
                        op.run(client, name, Math.min(start + options.opTimeout().toNanos(), phaseDeadline));
                        long end = System.nanoTime();
                        latency.recordValue(end - start);
                        succeeded.add(name);
                        endNanos = end;
                    } catch (RestClient.Failed e) {
                        messages.add(e.getMessage());
                        endNanos = System.nanoTime();
                    } catch (IOException e) {
                        messages.add(name + ": no answer: " + e);
                        endNanos = System.nanoTime();
                    } finally {
                        IN_FLIGHT.decrementAndGet();
                    }
                }
            }
        }
    }
}
