package dev.corral.storage;

import dev.corral.api.ApiException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * Reads an image tarball through once at import: every entry name must be safe to extract (see
 * {@link EntryNames}), the archive must be complete, and metadata.yaml and the kind of root file system are noted.
 */
final class ImageTarball {

    /**
     * What a tarball holds.
     *
     * @param metadataYaml the bytes of {@code metadata.yaml} at its top, or null
     * @param rootfsDirectory whether it has {@code rootfs/} entries (a container image)
     * @param rootfsImage whether it has {@code rootfs.img} (a virtual-machine image)
     */
    record Contents(byte[] metadataYaml, boolean rootfsDirectory, boolean rootfsImage) {
    }

    private ImageTarball() {
    }

    /**
     * Scans a tarball (any supported compression).
     *
     * @param what names the file in error messages ("image", "metadata tarball", "rootfs tarball")
     * @throws ApiException 400 if it is not a complete, safe tarball
     */
    static Contents scan(Path file, String what) {
        Compression c;
        try {
            c = Compression.detect(file);
        } catch (IOException e) {
            throw ApiException.internal("cannot read the uploaded " + what, e);
        }
        if (!c.tarball()) {
            throw ApiException.badRequest("The " + what + " is not a tarball (tar, tar.gz, tar.xz, tar.bz2, "
                    + "tar.zst, tar.lz4 or tar.lzma)" + (c == Compression.SQUASHFS ? " but a squashfs" : ""));
        }
        byte[] metadata = null;
        boolean rootfsDir = false;
        boolean rootfsImg = false;
        Set<String> symlinks = new HashSet<>();
        try (InputStream raw = Files.newInputStream(file); InputStream in = c.decompress(raw)) {
            TarReader tar = new TarReader(in);
            TarReader.Entry e;
            while ((e = tar.next()) != null) {
                String name = EntryNames.clean(e.name());
                EntryNames.checkNotThroughLink(name, symlinks, e.name());
                if (e.type() == TarReader.Type.SYMLINK) {
                    symlinks.add(name);
                } else {
                    symlinks.remove(name);
                }
                if (e.type() == TarReader.Type.HARDLINK) {
                    String target = EntryNames.clean(e.linkName());
                    EntryNames.checkNotThroughLink(target, symlinks, e.linkName());
                }
                if (name.equals("metadata.yaml") && e.type() == TarReader.Type.FILE) {
                    metadata = tar.content().readNBytes(ImageMetadata.MAX_SIZE + 1);
                    if (metadata.length > ImageMetadata.MAX_SIZE) {
                        throw ApiException.badRequest("metadata.yaml is larger than " + ImageMetadata.MAX_SIZE
                                + " bytes");
                    }
                } else if (name.startsWith("rootfs/") || (name.equals("rootfs")
                        && e.type() == TarReader.Type.DIRECTORY)) {
                    rootfsDir = true;
                } else if (name.equals("rootfs.img") && e.type() == TarReader.Type.FILE) {
                    rootfsImg = true;
                }
            }
            // Anything after the end-of-archive blocks (padding) is ignored, as tar does.
        } catch (ApiException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // Decompressors throw runtime exceptions too on some corrupt input.
            throw ApiException.badRequest("The " + what + " is not a valid tarball: " + e.getMessage());
        }
        return new Contents(metadata, rootfsDir, rootfsImg);
    }
}
