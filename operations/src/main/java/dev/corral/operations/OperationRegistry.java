package dev.corral.operations;

import dev.corral.api.ApiException;
import dev.corral.api.Event;
import dev.corral.api.Operation;
import dev.corral.api.StatusCode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * All operations of this daemon. Work runs on the given worker pool (never on an event loop); every status or
 * metadata change is published as an {@code operation} event; finished operations stay visible for
 * {@code retention} and are then forgotten, as in Incus.
 *
 * <p>Thread-safe: any method may be called from any thread.
 */
public final class OperationRegistry {

    private static final Logger LOG = LoggerFactory.getLogger(OperationRegistry.class);

    private final Map<String, TrackedOperation> operations = new ConcurrentHashMap<>();
    private final ExecutorService workers;
    private final ScheduledExecutorService timers;
    private final EventBus events;
    private final Duration retention;

    public OperationRegistry(ExecutorService workers, ScheduledExecutorService timers, EventBus events,
            Duration retention) {
        this.workers = workers;
        this.timers = timers;
        this.events = events;
        this.retention = retention;
    }

    /** Registers the operation, starts its work and returns it as it is once started (status Running). */
    public Operation submit(OperationSpec spec) {
        String id = UUID.randomUUID().toString();
        TrackedOperation op = new TrackedOperation(id, spec, Instant.now(), this);
        operations.put(id, op);
        announce(op, op.snapshot());
        Operation running = op.transition(StatusCode.RUNNING, null);
        announce(op, running);
        if (spec.operationClass == OperationClass.TOKEN) {
            return running;
        }
        try {
            op.setExecution(workers.submit(() -> execute(op)));
        } catch (RejectedExecutionException e) {
            finish(op, StatusCode.FAILURE, "Too many operations running; try again later");
        }
        return running;
    }

    private void execute(TrackedOperation op) {
        try {
            op.spec().work.run(op);
            finish(op, op.isCancelled() ? StatusCode.CANCELLED : StatusCode.SUCCESS, null);
        } catch (InterruptedException e) {
            finish(op, op.isCancelled() ? StatusCode.CANCELLED : StatusCode.FAILURE, "Interrupted");
        } catch (ApiException e) {
            finish(op, op.isCancelled() ? StatusCode.CANCELLED : StatusCode.FAILURE, e.getMessage());
        } catch (Exception | Error e) {
            if (op.isCancelled()) {
                finish(op, StatusCode.CANCELLED, null);
            } else {
                LOG.error("operation {} ({}) failed", op.id(), op.spec().description, e);
                finish(op, StatusCode.FAILURE, e.getMessage() == null ? e.toString() : e.getMessage());
            }
        }
    }

    private void finish(TrackedOperation op, StatusCode status, String error) {
        Operation last = op.transition(status, status == StatusCode.CANCELLED ? "" : error);
        if (last == null) {
            return;
        }
        if (op.spec().streams != null) {
            op.spec().streams.closeAll();
        }
        announce(op, last);
        op.finished().complete(last);
        timers.schedule(() -> operations.remove(op.id()), retention.toMillis(), TimeUnit.MILLISECONDS);
    }

    void announce(TrackedOperation op, Operation snapshot) {
        if (snapshot != null) {
            events.publish(Event.OPERATION, op.project(), snapshot);
        }
    }

    public Operation get(String id) {
        return tracked(id).snapshot();
    }

    /** Operations of one project, or of all projects when {@code project} is null, oldest first. */
    public List<Operation> list(String project) {
        List<Operation> result = new ArrayList<>();
        for (TrackedOperation op : operations.values()) {
            if (project == null || project.equals(op.project())) {
                result.add(op.snapshot());
            }
        }
        result.sort(Comparator.comparing(Operation::createdAt));
        return result;
    }

    /** Completes with the final state of the operation; never blocks a thread. */
    public CompletableFuture<Operation> whenFinished(String id) {
        return tracked(id).finished();
    }

    /** Asks a running operation to stop: it becomes Cancelling, then Cancelled once its work returns. */
    public Operation cancel(String id) {
        TrackedOperation op = tracked(id);
        if (!op.spec().mayCancel) {
            throw ApiException.badRequest("This operation can't be cancelled");
        }
        StatusCode status = op.status();
        if (status != StatusCode.RUNNING && status != StatusCode.PENDING) {
            throw ApiException.badRequest("Only running operations can be cancelled");
        }
        Operation cancelling = op.requestCancel();
        announce(op, cancelling);
        if (op.spec().operationClass == OperationClass.TOKEN) {
            finish(op, StatusCode.CANCELLED, null);
            return op.snapshot();
        }
        return cancelling;
    }

    /**
     * Uses up a token: the first caller gets the token's last Running state (its metadata) and the token ends as
     * Cancelled, as Incus ends it; any later caller, and any id that is not a running token, gets null.
     */
    public Operation redeem(String id) {
        TrackedOperation op = id == null ? null : operations.get(id);
        if (op == null || op.spec().operationClass != OperationClass.TOKEN) {
            return null;
        }
        Operation before = op.takeIfRunning();
        if (before == null) {
            return null;
        }
        Operation after = op.snapshot();
        announce(op, after);
        op.finished().complete(after);
        timers.schedule(() -> operations.remove(op.id()), retention.toMillis(), TimeUnit.MILLISECONDS);
        return before;
    }

    /**
     * Checks, before a websocket upgrade, that the operation takes streams and that the secret opens a free one:
     * 404 for no such operation, 400 for an operation without streams, 403 for a wrong or used secret.
     */
    public void checkStream(String id, String secret) {
        TrackedOperation op = tracked(id);
        Streams streams = op.spec().streams;
        if (streams == null) {
            throw ApiException.badRequest("Only websocket operations can be connected");
        }
        if (secret == null || !streams.isOpen(secret)) {
            throw ApiException.forbidden("Wrong secret");
        }
    }

    /** Connects a websocket to one stream of a websocket operation; false when the secret matches none. */
    public boolean connect(String id, String secret, MessageChannel channel) {
        TrackedOperation op = tracked(id);
        Streams streams = op.spec().streams;
        return streams != null && op.status() == StatusCode.RUNNING && streams.connect(secret, channel);
    }

    private TrackedOperation tracked(String id) {
        TrackedOperation op = id == null ? null : operations.get(id);
        if (op == null) {
            throw ApiException.notFound("Operation not found");
        }
        return op;
    }
}
