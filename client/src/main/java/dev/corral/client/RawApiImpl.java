package dev.corral.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.http.HttpMethod;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

final class RawApiImpl implements RawApi {

    private final Transport transport;

    RawApiImpl(Transport transport) {
        this.transport = transport;
    }

    private static HttpMethod method(String name) {
        return HttpMethod.valueOf(name.toUpperCase(Locale.ROOT));
    }

    private static String checked(String path) {
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("paths are absolute: " + path);
        }
        return path;
    }

    @Override
    public CompletableFuture<JsonNode> query(String method, String path, Object body) {
        return transport.toPublic(transport.call(method(method), transport.uri(checked(path)), body)
                .map(response -> Transport.envelope(response).get("metadata")));
    }

    @Override
    public CompletableFuture<OperationHandle> queryOperation(String method, String path, Object body) {
        return transport.async(method(method), transport.uri(checked(path)), body);
    }
}
