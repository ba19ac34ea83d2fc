package dev.corral.operations;

import java.util.Map;

/** What a running {@link Work} may see and change of its own operation. */
public interface OperationContext {

    String id();

    /** Merges entries into the operation's metadata (progress, results) and announces the change. */
    void updateMetadata(Map<String, Object> entries);

    /** True once a client asked to cancel this operation. */
    boolean isCancelled();
}
