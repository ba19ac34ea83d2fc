package dev.corral.daemon.instances;

import java.util.Map;

/** What the instances service needs of images: resolve a source to a local image. Blocking. */
public interface ImageCatalog {

    /** A local image: what an instance created from it records. */
    record ResolvedImage(String fingerprint, String architecture, String type, Map<String, String> properties) {
    }

    /** The image an alias or a (possibly shortened) fingerprint names, or a 404 naming what was asked for. */
    ResolvedImage resolve(String project, String alias, String fingerprint);

    /** Notes that an instance was created from the image (its {@code last_used_at}). */
    void markUsed(String project, String fingerprint);
}
