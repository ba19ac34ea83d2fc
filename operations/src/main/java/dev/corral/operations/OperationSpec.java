package dev.corral.operations;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything needed to register an operation. Built with {@link #task(String, Work)} and friends, then refined:
 * {@code OperationSpec.task("Starting instance", work).project("default").resource("instances", url)}.
 */
public final class OperationSpec {

    final OperationClass operationClass;
    final String description;
    final Work work;
    String project = "default";
    final Map<String, List<String>> resources = new LinkedHashMap<>();
    final Map<String, Object> metadata = new LinkedHashMap<>();
    boolean mayCancel;
    Streams streams;

    private OperationSpec(OperationClass operationClass, String description, Work work) {
        this.operationClass = Objects.requireNonNull(operationClass);
        this.description = Objects.requireNonNull(description);
        this.work = Objects.requireNonNull(work);
    }

    public static OperationSpec task(String description, Work work) {
        return new OperationSpec(OperationClass.TASK, description, work);
    }

    /**
     * A token: it has no work, stays Running until it is redeemed ({@link OperationRegistry#redeem}) or cancelled,
     * and holds no thread meanwhile.
     */
    public static OperationSpec token(String description) {
        return new OperationSpec(OperationClass.TOKEN, description, context -> { }).cancellable();
    }

    /** A websocket operation: its {@code fds} metadata lists the streams' secrets. */
    public static OperationSpec websocket(String description, Streams streams, Work work) {
        OperationSpec spec = new OperationSpec(OperationClass.WEBSOCKET, description, work);
        spec.streams = Objects.requireNonNull(streams);
        spec.metadata.put("fds", streams.secrets());
        return spec;
    }

    public OperationSpec project(String project) {
        this.project = Objects.requireNonNull(project);
        return this;
    }

    public OperationSpec resource(String kind, String url) {
        resources.computeIfAbsent(kind, k -> new java.util.ArrayList<>()).add(url);
        return this;
    }

    public OperationSpec metadata(String key, Object value) {
        metadata.put(key, value);
        return this;
    }

    public OperationSpec cancellable() {
        this.mayCancel = true;
        return this;
    }
}
