package dev.corral.client;

import java.nio.file.Path;

/**
 * An exported image on disk.
 *
 * @param fingerprint the image
 * @param metadata the unified tarball, or the metadata tarball of a split image
 * @param rootfs the root file system of a split image; null for a unified one
 */
public record ExportedImage(String fingerprint, Path metadata, Path rootfs) {

    public boolean isSplit() {
        return rootfs != null;
    }
}
