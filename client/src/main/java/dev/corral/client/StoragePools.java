package dev.corral.client;

import dev.corral.api.StoragePool;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** {@code /1.0/storage-pools} (read). */
public interface StoragePools {

    CompletableFuture<List<String>> names();

    CompletableFuture<List<StoragePool>> list();

    CompletableFuture<StoragePool> get(String name);
}
