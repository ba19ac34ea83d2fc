package dev.corral.daemon.images;

import dev.corral.storage.Progress;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The busybox-vm image that ships with corrald (packaging/images/build-vm-image.sh: a split image, metadata tarball
 * and qcow2 disk): imported on first start as alias {@code busybox-vm}, so that {@code incus launch --vm busybox-vm
 * v1} works on a fresh install. It is imported as clients upload split images (multipart, parts {@code metadata} and
 * {@code rootfs.img}), through the same path.
 */
public final class BuiltInVmImage {

    public static final String ALIAS = "busybox-vm";
    public static final String METADATA = "busybox-vm.metadata.tar.gz";
    public static final String DISK = "busybox-vm.qcow2";
    private static final Logger LOG = LoggerFactory.getLogger(BuiltInVmImage.class);

    private BuiltInVmImage() {
    }

    /** Imports {@code metadata} and its sibling disk unless the project has the alias already. */
    public static void ensure(Images images, ImageUploads uploads, String project, Path metadata) throws IOException {
        if (images.aliases().get(project, ALIAS).isPresent()) {
            return;
        }
        Path disk = metadata == null ? null : metadata.resolveSibling(DISK);
        if (metadata == null || !Files.isRegularFile(metadata) || !Files.isRegularFile(disk)) {
            LOG.warn("no built-in VM image at {}: alias {} is not available", metadata, ALIAS);
            return;
        }
        String boundary = "corral-" + UUID.randomUUID();
        Path body = Files.createTempFile("corral-busybox-vm-", ".multipart");
        try {
            try (OutputStream out = Files.newOutputStream(body)) {
                part(out, boundary, "metadata", METADATA, metadata);
                part(out, boundary, "rootfs.img", DISK, disk);
                out.write(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
            }
            var upload = new ImageUploads.Upload(body, Map.of(
                    "Content-Type", List.of("multipart/form-data; boundary=" + boundary),
                    "X-Incus-Aliases", List.of("alias=" + ALIAS)));
            try {
                ImageRecord image = uploads.importFile(project, upload, Progress.NONE);
                LOG.info("imported the built-in VM image {} as {}", image.fingerprint(), ALIAS);
            } catch (dev.corral.api.ApiException e) {
                if (e.status() != 409) {
                    throw e;
                }
                // The image is there (its alias was removed): give it the alias back.
                String fingerprint = images.list(project).stream().filter(i -> i.filename().equals(DISK))
                        .map(ImageRecord::fingerprint).findFirst().orElse(null);
                if (fingerprint != null) {
                    images.aliases().insert(project, ALIAS, new AliasRecord(ALIAS, fingerprint, "",
                            "virtual-machine"));
                }
            }
        } finally {
            Files.deleteIfExists(body);
        }
    }

    private static void part(OutputStream out, String boundary, String field, String filename, Path file)
            throws IOException {
        out.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field + "\"; filename=\""
                + filename + "\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        Files.copy(file, out);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
    }
}
