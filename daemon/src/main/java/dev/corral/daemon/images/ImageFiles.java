package dev.corral.daemon.images;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The image files: what the images endpoint needs of the image store. Blocking. */
public interface ImageFiles {

    /** What an import found out about an image. */
    record Imported(String fingerprint, long size, String architecture, String type, Instant createdAt,
            Instant expiresAt, Map<String, String> properties) {
    }

    /**
     * Takes an uploaded image in: a unified tarball ({@code rootfs} null) or a split image. The files are moved or
     * removed; {@code expectedFingerprint} (may be null) must match. A 4xx names what is wrong with the upload.
     */
    Imported importImage(Path metadata, Path rootfs, String expectedFingerprint, Progress progress);

    /** The image's files, for export: one for a unified image, metadata then rootfs for a split one. */
    List<Path> files(String fingerprint);

    void delete(String fingerprint);

    /** Import progress, as a percentage. */
    interface Progress {
        void percent(int percent);
    }
}
