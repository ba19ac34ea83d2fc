package dev.corral.daemon.storage;

import dev.corral.api.ApiException;
import dev.corral.daemon.state.DocumentTable;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The storage pools (global, stored under project ""). Blocking. */
public final class StoragePools {

    public static final String DEFAULT = "default";
    private static final String GLOBAL = "";

    private final DocumentTable<StoragePoolRecord> table;

    public StoragePools(DocumentTable<StoragePoolRecord> table) {
        this.table = table;
    }

    public List<StoragePoolRecord> list() {
        return table.list(GLOBAL);
    }

    public StoragePoolRecord get(String name) {
        return table.get(GLOBAL, name).orElseThrow(() -> ApiException.notFound("Storage pool not found"));
    }

    public boolean exists(String name) {
        return table.get(GLOBAL, name).isPresent();
    }

    /** Records the {@code default} dir pool at {@code source} on first start. */
    public void ensureDefault(Path source) {
        if (!exists(DEFAULT)) {
            table.insert(GLOBAL, DEFAULT, new StoragePoolRecord(DEFAULT, "dir", "Default Corral storage pool",
                    Map.of("source", source.toString())));
        }
    }
}
