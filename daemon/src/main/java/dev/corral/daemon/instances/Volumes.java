package dev.corral.daemon.instances;

import dev.corral.instance.IdMap;
import dev.corral.instance.InstanceRef;
import dev.corral.instance.InstanceType;
import java.nio.file.Path;

/** The storage the instances service needs: one volume per instance on its root disk's pool. Blocking. */
public interface Volumes {

    /**
     * Creates the instance's volume from an image (root filesystem shifted into {@code idMap}); returns its path.
     * {@code percent} hears how far unpacking has come.
     */
    Path createFromImage(String pool, InstanceRef ref, InstanceType type, String fingerprint, IdMap idMap,
            java.util.function.IntConsumer percent);

    /** Creates an empty volume ({@code source: none}); returns its path. */
    Path createEmpty(String pool, InstanceRef ref, InstanceType type, IdMap idMap);

    Path path(String pool, InstanceRef ref, InstanceType type);

    boolean hasPool(String pool);

    void delete(String pool, InstanceRef ref, InstanceType type);

    void rename(String pool, InstanceRef from, InstanceRef to, InstanceType type);
}
