package dev.corral.client;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Hands the items of one stream to its {@link StreamCallback}, in order and one at a time, on the callback executor;
 * enforces the callback contract (start first, one terminal call, nothing after it) and applies back-pressure: above
 * {@value #HIGH_WATER} pending items the source is paused, and resumed once they drain to {@value #LOW_WATER}.
 *
 * <p>Items offered before {@link #start} are held (the callback sees {@code onStart} first, then them); a stream
 * that never starts is {@link #abandon}ed without any call.
 *
 * <p>Thread-safe: items may be offered from any thread.
 */
final class StreamDispatch<T> {

    static final int HIGH_WATER = 256;
    static final int LOW_WATER = 16;

    private static final System.Logger LOG = System.getLogger(StreamDispatch.class.getName());

    /** What the dispatch asks of its source. */
    interface Source extends AutoCloseable {
        void pause();

        void resume();

        /** Closes the source; it must end the dispatch with {@link #complete()} or {@link #fail} afterwards. */
        @Override
        void close();
    }

    private final StreamCallback<T> callback;
    private final Executor executor;
    private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
    private Source source;
    private boolean started;
    private boolean draining;
    private boolean terminated;
    private boolean paused;

    StreamDispatch(StreamCallback<T> callback, Executor executor) {
        this.callback = callback;
        this.executor = executor;
    }

    /** The stream is open: {@code onStart} with a handle that closes {@code source}. */
    void start(Source source) {
        boolean startDrain;
        synchronized (this) {
            if (started) {
                throw new IllegalStateException("started twice");
            }
            this.source = source;
            started = true;
            if (terminated && queue.isEmpty()) {
                return; // abandoned
            }
            queue.addFirst(() -> callUser(() -> callback.onStart(source::close)));
            startDrain = !draining;
            draining = true;
        }
        if (startDrain) {
            dispatchDrain();
        }
    }

    /** Drops a stream that never started: no callback is called. */
    synchronized void abandon() {
        if (!started) {
            terminated = true;
            queue.clear();
        }
    }

    void next(T item) {
        enqueue(() -> callback.onNext(item), false);
    }

    void fail(Throwable error) {
        enqueue(() -> callback.onError(error), true);
    }

    void complete() {
        enqueue(callback::onComplete, true);
    }

    private void enqueue(Runnable call, boolean terminal) {
        boolean startDrain;
        Source toPause = null;
        synchronized (this) {
            if (terminated) {
                return;
            }
            if (terminal) {
                terminated = true;
            }
            queue.add(terminal ? call : () -> callUser(call));
            if (!paused && !terminal && queue.size() > HIGH_WATER && source != null) {
                paused = true;
                toPause = source;
            }
            startDrain = started && !draining;
            if (startDrain) {
                draining = true;
            }
        }
        if (toPause != null) {
            toPause.pause();
        }
        if (startDrain) {
            dispatchDrain();
        }
    }

    private void dispatchDrain() {
        try {
            executor.execute(this::drain);
        } catch (RejectedExecutionException e) {
            // The client is closing: deliver on this thread rather than lose the terminal call.
            drain();
        }
    }

    /** A non-terminal callback that throws ends the stream with that error. */
    private void callUser(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException | Error e) {
            LOG.log(System.Logger.Level.DEBUG, "stream callback threw; closing the stream", e);
            Source s;
            synchronized (this) {
                s = source;
                // Nothing queued behind the failure is delivered; its error is the last call.
                queue.clear();
                terminated = true;
                queue.add(() -> callback.onError(e));
            }
            if (s != null) {
                s.close();
            }
        }
    }

    private void drain() {
        while (true) {
            Runnable next;
            Source toResume = null;
            synchronized (this) {
                next = queue.poll();
                if (next == null) {
                    draining = false;
                    return;
                }
                if (paused && queue.size() <= LOW_WATER && !terminated) {
                    paused = false;
                    toResume = source;
                }
            }
            if (toResume != null) {
                toResume.resume();
            }
            try {
                next.run();
            } catch (RuntimeException | Error e) {
                LOG.log(System.Logger.Level.WARNING, "stream callback threw in its terminal call", e);
            }
        }
    }
}
