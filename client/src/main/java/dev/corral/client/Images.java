package dev.corral.client;

import dev.corral.api.Image;
import dev.corral.api.ImagePut;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * {@code /1.0/images}: the local image store.
 *
 * <pre>{@code
 * Image image = client.images().importAndWait(ImageImport.unified(Path.of("busybox.tar.gz")).withAliases("bb"),
 *         Duration.ofMinutes(2), p -> System.out.println(p.phase() + " " + p.percent() + "%")).join();
 * }</pre>
 */
public interface Images {

    CompletableFuture<List<String>> fingerprints();

    CompletableFuture<List<Image>> list();

    /** Images that match an Incus filter (e.g. {@code properties.os eq busybox}); null or empty for all. */
    CompletableFuture<List<Image>> list(String filter);

    /** One image, by fingerprint (Incus also takes a unique prefix). */
    CompletableFuture<Image> get(String fingerprint);

    /** {@code PUT}: replaces the writable fields. */
    CompletableFuture<Void> update(String fingerprint, ImagePut put);

    /** {@code PATCH}: changes the given fields. */
    CompletableFuture<Void> patch(String fingerprint, ImagePut put);

    CompletableFuture<OperationHandle> delete(String fingerprint);

    CompletableFuture<Void> deleteAndWait(String fingerprint, Duration timeout);

    /**
     * Uploads an image; completes with the import operation once the daemon received the file (its metadata then
     * holds the {@code fingerprint}). {@code progress} (may be null) hears about the upload, then about the import
     * until the operation ends.
     */
    CompletableFuture<OperationHandle> importImage(ImageImport request, Consumer<ImportProgress> progress);

    /** {@link #importImage}, then waits for the import; answers the new image. */
    CompletableFuture<Image> importAndWait(ImageImport request, Duration timeout, Consumer<ImportProgress> progress);

    /**
     * Downloads an image into {@code directory} (which must exist): one file for a unified image, two for a split
     * one, named as the daemon names them (or after the fingerprint).
     */
    CompletableFuture<ExportedImage> export(String fingerprint, Path directory);

    /** The aliases of the image store. */
    ImageAliases aliases();
}
