package dev.corral.daemon.images;

import dev.corral.storage.Progress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The busybox image that ships with corrald (built at package time from Debian's busybox-static): imported on first
 * start as alias {@code busybox}, so that {@code incus launch busybox c1} works on a fresh install.
 */
public final class BuiltInImage {

    public static final String ALIAS = "busybox";
    private static final Logger LOG = LoggerFactory.getLogger(BuiltInImage.class);

    private BuiltInImage() {
    }

    /** Imports {@code tarball} unless the project already has the alias (a user may have pointed it elsewhere). */
    public static void ensure(Images images, ImageUploads uploads, String project, Path tarball) throws IOException {
        if (images.aliases().get(project, ALIAS).isPresent()) {
            return;
        }
        if (tarball == null || !Files.isRegularFile(tarball)) {
            LOG.warn("no built-in image at {}: alias {} is not available", tarball, ALIAS);
            return;
        }
        var upload = new ImageUploads.Upload(tarball, Map.of(
                "X-Incus-Filename", List.of(tarball.getFileName().toString()),
                "X-Incus-Aliases", List.of("alias=" + ALIAS)));
        try {
            ImageRecord image = uploads.importFile(project, upload, Progress.NONE);
            LOG.info("imported the built-in image {} as {}", image.fingerprint(), ALIAS);
        } catch (dev.corral.api.ApiException e) {
            if (e.status() != 409) {
                throw e;
            }
            // The image is there (its alias was removed): give it the alias back.
            String fingerprint = images.list(project).stream().filter(i -> i.filename().equals(
                    tarball.getFileName().toString())).map(ImageRecord::fingerprint).findFirst().orElse(null);
            if (fingerprint != null) {
                images.aliases().insert(project, ALIAS, new AliasRecord(ALIAS, fingerprint, "", "container"));
            }
        }
    }
}
