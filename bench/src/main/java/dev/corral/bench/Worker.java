package dev.corral.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;

/**
 * One closed-loop client: one connection, one request in flight, the next sent as soon as the previous
 * answer is read. Runs the phases in order on the same connection, so the measured phase starts warm.
 * Given several requests, it sends them in turn, starting at its own offset (so workers spread over them).
 */
final class Worker implements Runnable {

    /** After a failed connect, wait this long before retrying so a dead socket does not burn a core. */
    private static final long RECONNECT_PAUSE_MILLIS = 10;

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final Endpoint.Connector connector;
    private final List<HttpRequest> requests;
    private final List<Budget> phases;
    private int next;
    private final List<PhaseStats> stats = new ArrayList<>();
    private HttpConnection connection;

    Worker(Endpoint.Connector connector, HttpRequest request, List<Budget> phases) {
        this(connector, List.of(request), 0, phases);
    }

    Worker(Endpoint.Connector connector, List<HttpRequest> requests, int offset, List<Budget> phases) {
        if (requests.isEmpty()) {
            throw new IllegalArgumentException("no request to send");
        }
        this.connector = connector;
        this.requests = List.copyOf(requests);
        this.next = Math.floorMod(offset, requests.size());
        this.phases = phases;
    }

    /** Per-phase stats, in phase order; read only after this worker's thread has been joined. */
    List<PhaseStats> stats() {
        return stats;
    }

    @Override
    public void run() {
        try {
            for (Budget phase : phases) {
                PhaseStats s = new PhaseStats();
                stats.add(s);
                long cpuStart = THREADS.getCurrentThreadCpuTime();
                runPhase(phase, s);
                s.endNanos = System.nanoTime();
                s.cpuNanos = THREADS.getCurrentThreadCpuTime() - cpuStart;
            }
        } finally {
            closeConnection(null);
        }
    }

    private void runPhase(Budget phase, PhaseStats s) {
        while (!Thread.currentThread().isInterrupted() && phase.take()) {
            HttpRequest request = requests.get(next);
            next = next + 1 == requests.size() ? 0 : next + 1;
            long start = System.nanoTime();
            try {
                if (connection == null) {
                    connection = connector.open();
                }
                ResponseReader.Response response = connection.exchange(request);
                s.recordResponse(System.nanoTime() - start, response);
                if (response.closeConnection()) {
                    closeConnection(s);
                }
            } catch (IOException e) {
                s.recordFailure(e);
                closeConnection(s);
                pauseAfterFailure();
            }
        }
    }

    private void closeConnection(PhaseStats s) {
        if (connection == null) {
            return;
        }
        try {
            connection.close();
        } catch (IOException e) {
            // Counted while measuring; after the last phase there is nothing to count it in, so say it.
            if (s != null) {
                s.recordFailure(e);
            } else {
                System.err.println("warning: closing connection failed: " + e);
            }
        }
        connection = null;
    }

    private static void pauseAfterFailure() {
        try {
            Thread.sleep(RECONNECT_PAUSE_MILLIS);
        } catch (InterruptedException e) {
            // The watchdog wants us gone: keep the flag so the phase loop sees it and stops.
            Thread.currentThread().interrupt();
        }
    }
}
