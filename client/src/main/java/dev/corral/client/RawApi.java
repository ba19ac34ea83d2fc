package dev.corral.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.CompletableFuture;

/**
 * Any endpoint, for what the typed interfaces do not cover yet (e.g. {@code POST /1.0/storage-pools} on Incus):
 * same transport, envelopes, errors and timeouts. Paths are absolute ({@code /1.0/...}) and may carry a query; the
 * client's project is added.
 */
public interface RawApi {

    /** A request answered synchronously; its {@code metadata} as a JSON tree. {@code body} may be null. */
    CompletableFuture<JsonNode> query(String method, String path, Object body);

    /** A request answered with an operation. */
    CompletableFuture<OperationHandle> queryOperation(String method, String path, Object body);
}
