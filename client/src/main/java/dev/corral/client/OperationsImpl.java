package dev.corral.client;

import com.fasterxml.jackson.databind.JavaType;
import dev.corral.api.Operation;
import io.vertx.core.http.HttpMethod;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

final class OperationsImpl implements Operations {

    private static final String BASE = "/1.0/operations";

    private final Transport transport;

    OperationsImpl(Transport transport) {
        this.transport = transport;
    }

    private static String path(String id) {
        return BASE + "/" + Transport.seg(id);
    }

    /** Incus groups operations by status: {@code {"running": [...], "success": [...]}}. */
    private static <T> JavaType grouped(Class<T> element) {
        var types = ClientJson.MAPPER.getTypeFactory();
        return types.constructMapType(Map.class, types.constructType(String.class),
                types.constructCollectionType(List.class, element));
    }

    private static <T> List<T> flatten(Map<String, List<T>> byStatus) {
        List<T> all = new ArrayList<>();
        if (byStatus != null) {
            byStatus.values().forEach(group -> {
                if (group != null) {
                    all.addAll(group);
                }
            });
        }
        return all;
    }

    @Override
    public CompletableFuture<List<String>> ids() {
        return transport.<Map<String, List<String>>>get(transport.uri(BASE, "recursion", "0"), grouped(String.class))
                .thenApply(byStatus -> Names.of(flatten(byStatus)));
    }

    @Override
    public CompletableFuture<List<Operation>> list() {
        return transport.<Map<String, List<Operation>>>get(transport.uri(BASE, "recursion", "1"),
                grouped(Operation.class)).thenApply(OperationsImpl::flatten);
    }

    @Override
    public CompletableFuture<Operation> get(String id) {
        return transport.get(transport.uri(path(id)), ClientJson.type(Operation.class));
    }

    @Override
    public CompletableFuture<OperationHandle> handle(String id) {
        return get(id).thenApply(op -> new OperationHandleImpl(transport, op));
    }

    @Override
    public CompletableFuture<Operation> await(String id, Duration timeout) {
        return handle(id).thenCompose(handle -> handle.await(timeout));
    }

    @Override
    public CompletableFuture<Void> cancel(String id) {
        return transport.sync(HttpMethod.DELETE, transport.uri(path(id)), null);
    }
}
