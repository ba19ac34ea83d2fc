package dev.corral.storage;

import java.nio.file.Path;

/**
 * The stored file(s) of an image, named as Incus names them on export ({@code GET /1.0/images/<fp>/export}): a
 * unified image is one file {@code <fp><ext>} sent as the body; a split image is {@code multipart/form-data} with a
 * part {@code metadata} ({@code meta-<fp><ext>}) then a part {@code rootfs} or {@code rootfs.img} ({@code <fp><ext>}).
 * The files are the store's: read them, never change or delete them.
 *
 * @param metadata the unified image file, or the metadata tarball of a split image
 * @param rootfs the rootfs file of a split image, or null for a unified one
 */
public record ImageFiles(String fingerprint, Part metadata, Part rootfs) {

    /**
     * One file.
     *
     * @param field the multipart field name ({@code metadata}, {@code rootfs}, {@code rootfs.img}); for a unified
     *     image its file name, as Incus
     * @param filename the name to send in Content-Disposition
     */
    public record Part(String field, String filename, Path path, long size) {
    }

    public boolean split() {
        return rootfs != null;
    }

    /** Whether this is a split virtual-machine image (its rootfs part is {@code rootfs.img}). */
    public boolean splitVirtualMachine() {
        return rootfs != null && rootfs.field().equals("rootfs.img");
    }

    /** Bytes in all. */
    public long size() {
        return metadata.size() + (rootfs == null ? 0 : rootfs.size());
    }
}
