package dev.corral.client;

import dev.corral.api.Event;
import dev.corral.api.Operation;
import io.vertx.core.Future;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Follows one operation: from the daemon's {@code operation} events when the event stream opens, else by polling.
 * Delivers its current state first, then each change (duplicates dropped), and stops after the final state.
 */
final class OperationWatch implements Subscription {

    private static final System.Logger LOG = System.getLogger(OperationWatch.class.getName());

    private final Transport transport;
    private final OperationHandleImpl handle;
    private final StreamDispatch<Operation> dispatch;
    private Subscription events;
    private long pollTimer = -1;
    private long pollInterval;
    private Operation last;
    private boolean closed;
    /** Every update was handed to the listener: the watch is over for its user. */
    private volatile boolean delivered;

    private OperationWatch(Transport transport, OperationHandleImpl handle, Consumer<Operation> listener) {
        this.transport = transport;
        this.handle = handle;
        this.dispatch = new StreamDispatch<>(new StreamCallback<>() {
            @Override
            public void onNext(Operation op) {
                listener.accept(op);
            }

            @Override
            public void onError(Throwable error) {
                delivered = true;
            }

            @Override
            public void onComplete() {
                delivered = true;
            }
        }, transport.callbacks());
    }

    static Future<Subscription> start(Transport transport, OperationHandleImpl handle, Consumer<Operation> listener) {
        OperationWatch watch = new OperationWatch(transport, handle, listener);
        watch.dispatch.start(new StreamDispatch.Source() {
            @Override
            public void pause() {
                // updates are few: nothing to hold back
            }

            @Override
            public void resume() {
            }

            @Override
            public void close() {
                watch.close();
            }
        });
        if (handle.id().isEmpty() || OperationHandleImpl.isFinal(handle.snapshot())) {
            watch.deliver(handle.snapshot());
            return Future.succeededFuture(watch);
        }
        return EventsImpl.open(transport, Set.of(EventType.OPERATION), false, new StreamCallback<Event>() {
                    @Override
                    public void onNext(Event event) {
                        EventMetadata.operation(event)
                                .filter(op -> handle.id().equals(op.id()))
                                .ifPresent(watch::deliver);
                    }

                    @Override
                    public void onError(Throwable error) {
                        watch.fallBackToPolling(error);
                    }

                    @Override
                    public void onComplete() {
                        watch.fallBackToPolling("the event stream ended"); // a no-op once the watch is closed
                    }
                })
                .map(subscription -> {
                    watch.attach(subscription);
                    watch.refresh();
                    // A slow poll as well: an event stream that misses the end must not leave the watch open.
                    long slow = 10 * Transport.millis(transport.options().pollInterval());
                    watch.poll(slow, slow);
                    return (Subscription) watch;
                })
                .recover(failure -> {
                    watch.fallBackToPolling(failure);
                    return Future.succeededFuture(watch);
                });
    }

    private synchronized void attach(Subscription subscription) {
        if (closed) {
            subscription.close();
        } else {
            events = subscription;
        }
    }

    private void refresh() {
        handle.refreshInternal().onSuccess(this::deliver).onFailure(failure -> {
            CorralException error = CorralException.unwrap(failure);
            if (error != null && error.isNotFound()) {
                close(); // gone: it ended before we looked
            }
        });
    }

    private void fallBackToPolling(Object why) {
        LOG.log(System.Logger.Level.DEBUG, "no operation events (" + why + "); polling operation " + handle.id());
        poll(1, Transport.millis(transport.options().pollInterval()));
    }

    /** Reads the operation every {@code intervalMs}, the first time after {@code delayMs} (replacing a slower poll). */
    private synchronized void poll(long delayMs, long intervalMs) {
        if (closed || (pollTimer >= 0 && pollInterval <= intervalMs)) {
            return;
        }
        if (pollTimer >= 0) {
            transport.vertx().cancelTimer(pollTimer);
        }
        pollInterval = intervalMs;
        pollTimer = transport.vertx().setPeriodic(delayMs, intervalMs, id -> refresh());
    }

    private void deliver(Operation op) {
        boolean end;
        synchronized (this) {
            if (closed || (last != null && same(last, op))) {
                return;
            }
            last = op;
            end = OperationHandleImpl.isFinal(op);
        }
        dispatch.next(op);
        if (end) {
            close();
        }
    }

    private static boolean same(Operation a, Operation b) {
        return a.statusCode() == b.statusCode() && Objects.equals(a.updatedAt(), b.updatedAt())
                && Objects.equals(a.metadata(), b.metadata());
    }

    @Override
    public void close() {
        Subscription toClose;
        long timer;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            toClose = events;
            timer = pollTimer;
        }
        if (toClose != null) {
            toClose.close();
        }
        if (timer >= 0) {
            transport.vertx().cancelTimer(timer);
        }
        dispatch.complete();
    }

    /** Open until the last update (the final state, or the one before a close) has reached the listener. */
    @Override
    public boolean isOpen() {
        return !delivered;
    }
}
