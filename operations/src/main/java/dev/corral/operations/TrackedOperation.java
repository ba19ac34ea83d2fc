package dev.corral.operations;

import dev.corral.api.Operation;
import dev.corral.api.StatusCode;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

/** The registry's mutable record of one operation. All state changes go through its monitor. */
final class TrackedOperation implements OperationContext {

    private final String id;
    private final OperationSpec spec;
    private final Instant createdAt;
    private final Map<String, Object> metadata;
    private final CompletableFuture<Operation> finished = new CompletableFuture<>();
    private final OperationRegistry registry;

    private Instant updatedAt;
    private StatusCode status = StatusCode.PENDING;
    private String err = "";
    private volatile boolean cancelRequested;
    private Future<?> execution;

    TrackedOperation(String id, OperationSpec spec, Instant now, OperationRegistry registry) {
        this.id = id;
        this.spec = spec;
        this.createdAt = now;
        this.updatedAt = now;
        this.metadata = new LinkedHashMap<>(spec.metadata);
        this.registry = registry;
    }

    @Override
    public String id() {
        return id;
    }

    String project() {
        return spec.project;
    }

    OperationSpec spec() {
        return spec;
    }

    CompletableFuture<Operation> finished() {
        return finished;
    }

    synchronized Operation snapshot() {
        Map<String, List<String>> resources = new LinkedHashMap<>();
        spec.resources.forEach((kind, urls) -> resources.put(kind, List.copyOf(urls)));
        return new Operation(id, spec.operationClass.wireName(), spec.description, createdAt.toString(),
                updatedAt.toString(), status.text(), status.code(), resources,
                metadata.isEmpty() ? null : new LinkedHashMap<>(metadata), spec.mayCancel, err, "none");
    }

    synchronized StatusCode status() {
        return status;
    }

    synchronized void setExecution(Future<?> execution) {
        this.execution = execution;
    }

    /** Moves to a new status; returns the snapshot to announce, or null if the operation had already ended. */
    synchronized Operation transition(StatusCode next, String error) {
        if (status.isFinal()) {
            return null;
        }
        status = next;
        err = error == null ? "" : error;
        updatedAt = Instant.now();
        return snapshot();
    }

    /** Ends a Running operation as Cancelled and returns its last Running snapshot; null if it was not Running. */
    synchronized Operation takeIfRunning() {
        if (status != StatusCode.RUNNING) {
            return null;
        }
        Operation running = snapshot();
        transition(StatusCode.CANCELLED, null);
        return running;
    }

    /** Marks cancellation; the caller then interrupts the work. Returns the Cancelling snapshot. */
    synchronized Operation requestCancel() {
        cancelRequested = true;
        Operation cancelling = transition(StatusCode.CANCELLING, null);
        if (execution != null) {
            execution.cancel(true);
        }
        return cancelling;
    }

    @Override
    public void updateMetadata(Map<String, Object> entries) {
        Operation changed;
        synchronized (this) {
            if (status.isFinal()) {
                return;
            }
            metadata.putAll(entries);
            updatedAt = Instant.now();
            changed = snapshot();
        }
        registry.announce(this, changed);
    }

    @Override
    public boolean isCancelled() {
        return cancelRequested;
    }
}
