package dev.corral.daemon.instances;

import dev.corral.api.ApiException;
import dev.corral.instance.IdMap;
import dev.corral.instance.InstanceRef;
import dev.corral.instance.InstanceType;
import dev.corral.storage.DirPool;
import dev.corral.storage.Progress;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.IntConsumer;

/** {@link Volumes} on the storage module's pools, by pool name. */
public final class PoolVolumes implements Volumes {

    private final Map<String, DirPool> pools;

    public PoolVolumes(Map<String, DirPool> pools) {
        this.pools = Map.copyOf(pools);
    }

    @Override
    public Path createFromImage(String pool, InstanceRef ref, InstanceType type, String fingerprint, IdMap idMap,
            IntConsumer percent) {
        return pool(pool).createInstanceVolume(ref, type, fingerprint, idMap, (stage, done, total) -> {
            int value = Progress.percent(done, total);
            if (value >= 0) {
                percent.accept(value);
            }
        });
    }

    @Override
    public Path createEmpty(String pool, InstanceRef ref, InstanceType type, IdMap idMap) {
        return pool(pool).createEmptyVolume(ref, type, idMap);
    }

    @Override
    public Path path(String pool, InstanceRef ref, InstanceType type) {
        return pool(pool).volumePath(ref, type);
    }

    @Override
    public boolean hasPool(String pool) {
        return pools.containsKey(pool);
    }

    @Override
    public void delete(String pool, InstanceRef ref, InstanceType type) {
        pool(pool).deleteInstanceVolume(ref, type);
    }

    @Override
    public void rename(String pool, InstanceRef from, InstanceRef to, InstanceType type) {
        pool(pool).renameInstanceVolume(from, to, type);
    }

    private DirPool pool(String name) {
        DirPool pool = pools.get(name);
        if (pool == null) {
            throw ApiException.notFound("Storage pool \"" + name + "\" not found");
        }
        return pool;
    }
}
