package dev.corral.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A daemon started for one measurement. Closing it stops it and everything it spawned: SIGTERM first,
 * SIGKILL for whatever is still alive after {@link #TERM_GRACE_SECONDS}.
 */
final class DaemonProcess implements AutoCloseable {

    static final long TERM_GRACE_SECONDS = 5;

    private final Process process;

    private DaemonProcess(Process process) {
        this.process = process;
    }

    /** Starts {@code command} with {@code CORRAL_DIR=corralDir}, stdout and stderr appended to {@code log}. */
    static DaemonProcess start(List<String> command, Path corralDir, Path log) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        pb.environment().put("CORRAL_DIR", corralDir.toString());
        return new DaemonProcess(pb.start());
    }

    boolean isAlive() {
        return process.isAlive();
    }

    int exitValue() {
        return process.exitValue();
    }

    /**
     * Stops the daemon and its descendants (a launcher script may not {@code exec} its JVM).
     *
     * @return nanoseconds from SIGTERM until the daemon and its descendants exited, or -1 if any had to be
     *     killed
     */
    long stop() throws InterruptedException {
        // Snapshot the tree before signalling: once the parent dies its children are re-parented.
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        tree.add(process.toHandle());
        long start = System.nanoTime();
        tree.forEach(ProcessHandle::destroy);
        long deadline = start + TimeUnit.SECONDS.toNanos(TERM_GRACE_SECONDS);
        // Bounded by the deadline; 10 ms steps are fine-grained enough for a shutdown time.
        while (tree.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        long took = System.nanoTime() - start;
        List<ProcessHandle> survivors = tree.stream().filter(ProcessHandle::isAlive).toList();
        if (survivors.isEmpty()) {
            return took;
        }
        survivors.forEach(ProcessHandle::destroyForcibly);
        if (!process.waitFor(TERM_GRACE_SECONDS, TimeUnit.SECONDS)) {
            throw new IllegalStateException("daemon pid " + process.pid() + " survived SIGKILL");
        }
        return -1;
    }

    /** Stops the daemon if {@link #stop} was not called; interrupted, it kills instead of waiting. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        try {
            stop();
        } catch (InterruptedException e) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
