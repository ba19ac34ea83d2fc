package dev.corral.storage;

import dev.corral.instance.Revert;

import dev.corral.api.ApiException;
import dev.corral.instance.InstanceType;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The image files of the daemon, in one directory ({@code $CORRAL_DIR/images/}) laid out as Incus lays out
 * {@code /var/lib/incus/images/}: {@code <fingerprint>} is a unified image or the metadata tarball of a split image,
 * {@code <fingerprint>.rootfs} the rootfs of a split image. The daemon's database keeps the image records (aliases,
 * public, edited properties); this class keeps the files and reads what is in them.
 *
 * <p>Threading: every method blocks on disk and must run on a worker thread, never an event loop. Methods may be
 * called concurrently; two imports of the same image end with one image and a 409 for the other.
 */
public final class ImageStore {

    private static final Logger LOG = LoggerFactory.getLogger(ImageStore.class);
    private static final Pattern FINGERPRINT = Pattern.compile("[0-9a-f]{64}");
    private static final String INCOMING = ".incoming-";
    private static final String ROOTFS_SUFFIX = ".rootfs";

    private final Path dir;
    private final Object installLock = new Object();

    /** Opens (creating it, mode 0700) the image directory, and removes what interrupted imports left there. */
    public ImageStore(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
        try {
            Files.createDirectories(this.dir);
            Files.setPosixFilePermissions(this.dir, PosixFilePermissions.fromString("rwx------"));
            cleanUp();
        } catch (IOException e) {
            throw ApiException.internal("cannot open the image directory " + this.dir, e);
        }
    }

    public Path dir() {
        return dir;
    }

    /**
     * Imports an uploaded image: the body of {@code POST /1.0/images} as the client sent it (a unified tarball, or
     * {@code multipart/form-data} with parts {@code metadata} and {@code rootfs}/{@code rootfs.img}, as
     * {@code upload.contentType()} says), streamed to a temporary file while its sha256 is computed, checked
     * (fingerprint, tarball, metadata.yaml), then moved into place atomically. Nothing is left behind on failure.
     *
     * @param body the request body; read to its end, not closed
     * @param contentLength the body's length for progress, or -1 (chunked uploads)
     * @param progress told {@link Progress#RECEIVING} bytes
     * @throws ApiException 400 for a bad upload (with what is wrong), 409 if the image exists already
     */
    public ImageInfo importImage(InputStream body, ImageUpload upload, long contentLength, Progress progress) {
        Path work = null;
        try {
            work = Files.createTempDirectory(dir, INCOMING);
            return importInto(work, body, upload, contentLength, progress);
        } catch (IOException e) {
            throw ApiException.internal("cannot store the uploaded image", e);
        } finally {
            if (work != null) {
                try {
                    FileTrees.deleteTree(work);
                } catch (IOException e) {
                    LOG.warn("cannot remove {}", work, e);
                }
            }
        }
    }

    private ImageInfo importInto(Path work, InputStream body, ImageUpload upload, long contentLength,
            Progress progress) throws IOException {
        MessageDigest sha = sha256();
        ProgressMeter meter = new ProgressMeter(progress, Progress.RECEIVING, contentLength);
        InputStream counted = new FilterInputStream(body) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n > 0) {
                    meter.add(n);
                }
                return n;
            }
        };

        Path main;
        Path rootfs = null;
        String rootfsField = null;
        String filename;
        long size;
        if (upload.multipart()) {
            MultipartReader parts = new MultipartReader(counted, upload.boundary());
            MultipartReader.Part meta = nextPart(parts);
            if (meta == null || !"metadata".equals(meta.name())) {
                throw ApiException.badRequest("Invalid multipart image: the first part must be \"metadata\"");
            }
            main = work.resolve("metadata");
            size = receive(meta.data(), main, sha);
            MultipartReader.Part root = nextPart(parts);
            if (root == null || !("rootfs".equals(root.name()) || "rootfs.img".equals(root.name()))) {
                throw ApiException.badRequest(
                        "Invalid multipart image: the second part must be \"rootfs\" or \"rootfs.img\"");
            }
            rootfs = work.resolve("rootfs");
            rootfsField = root.name();
            size += receive(root.data(), rootfs, sha);
            filename = root.filename();
            // Whatever follows (more parts, the epilogue) is read so the client sees its upload taken.
            while (nextPart(parts) != null) {
                // ignored
            }
        } else {
            main = work.resolve("image");
            size = receive(counted, main, sha);
            filename = upload.filename();
        }
        meter.finish();
        if (size == 0) {
            throw ApiException.badRequest("The image upload is empty");
        }

        String fingerprint = HexFormat.of().formatHex(sha.digest());
        if (upload.expectedFingerprint() != null && !upload.expectedFingerprint().equals(fingerprint)) {
            throw ApiException.badRequest("Fingerprints don't match, got " + fingerprint + " expected "
                    + upload.expectedFingerprint());
        }
        if (exists(fingerprint)) {
            throw ApiException.conflict("Image with same fingerprint already exists");
        }

        Read read = rootfs == null ? readUnified(main) : readSplit(main, rootfs, rootfsField);

        Map<String, String> properties = new TreeMap<>(read.metadata().properties());
        properties.putAll(upload.properties());
        ImageInfo info = new ImageInfo(fingerprint, filename == null ? "" : filename, size,
                read.metadata().architecture(), read.type(), read.metadata().createdAt(),
                read.metadata().expiresAt(), Instant.now(), properties, upload.isPublic(), upload.aliases(),
                upload.profiles(), read.metadata());

        install(fingerprint, main, rootfs);
        LOG.info("image {} imported ({} {}, {} bytes)", fingerprint, info.type().wireName(),
                rootfs == null ? "unified" : "split", size);
        return info;
    }

    private static MultipartReader.Part nextPart(MultipartReader parts) {
        try {
            return parts.next();
        } catch (IOException e) {
            throw ApiException.badRequest("Failed to read the multipart image upload: " + e.getMessage());
        }
    }

    /** Copies an upload stream to a new file, hashing it. Read errors are the client's (400), write errors ours. */
    private static long receive(InputStream in, Path to, MessageDigest sha) throws IOException {
        byte[] buf = new byte[256 * 1024];
        long total = 0;
        try (OutputStream out = Files.newOutputStream(to, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            while (true) {
                int n;
                try {
                    n = in.read(buf);
                } catch (IOException e) {
                    throw ApiException.badRequest("Failed to receive the image: " + e.getMessage());
                }
                if (n < 0) {
                    return total;
                }
                sha.update(buf, 0, n);
                out.write(buf, 0, n);
                total += n;
            }
        }
    }

    private record Read(ImageMetadata metadata, InstanceType type) {
    }

    private static Read readUnified(Path file) {
        ImageTarball.Contents c = ImageTarball.scan(file, "image");
        if (c.metadataYaml() == null) {
            throw ApiException.badRequest("Image tarball is missing metadata.yaml");
        }
        ImageMetadata metadata = ImageMetadata.parse(c.metadataYaml());
        InstanceType type;
        if (c.rootfsDirectory()) {
            type = InstanceType.CONTAINER;
        } else if (c.rootfsImage()) {
            type = InstanceType.VIRTUAL_MACHINE;
        } else {
            throw ApiException.badRequest("Image tarball has neither rootfs/ nor rootfs.img");
        }
        return new Read(metadata, type);
    }

    private static Read readSplit(Path meta, Path rootfs, String rootfsField) throws IOException {
        ImageTarball.Contents c = ImageTarball.scan(meta, "metadata tarball");
        if (c.metadataYaml() == null) {
            throw ApiException.badRequest("Metadata tarball is missing metadata.yaml");
        }
        ImageMetadata metadata = ImageMetadata.parse(c.metadataYaml());
        Compression rc = Compression.detect(rootfs);
        if (rootfsField.equals("rootfs")) {
            if (rc.tarball()) {
                ImageTarball.scan(rootfs, "rootfs tarball");
            } else if (rc != Compression.SQUASHFS) {
                throw ApiException.badRequest("The rootfs is neither a tarball nor a squashfs");
            }
            return new Read(metadata, InstanceType.CONTAINER);
        }
        if (rc.tarball() || rc == Compression.SQUASHFS) {
            throw ApiException.badRequest("rootfs.img must be a disk image (qcow2), not a "
                    + (rc == Compression.SQUASHFS ? "squashfs" : "tarball"));
        }
        return new Read(metadata, InstanceType.VIRTUAL_MACHINE);
    }

    private void install(String fingerprint, Path main, Path rootfs) throws IOException {
        synchronized (installLock) {
            if (exists(fingerprint)) {
                throw ApiException.conflict("Image with same fingerprint already exists");
            }
            Path rootfsTarget = dir.resolve(fingerprint + ROOTFS_SUFFIX);
            try (Revert revert = new Revert()) {
                if (rootfs != null) {
                    Files.move(rootfs, rootfsTarget, StandardCopyOption.ATOMIC_MOVE);
                    revert.add(() -> Files.deleteIfExists(rootfsTarget));
                }
                Files.move(main, dir.resolve(fingerprint), StandardCopyOption.ATOMIC_MOVE);
                revert.success();
            }
        }
    }

    /** Whether the store holds the image. */
    public boolean exists(String fingerprint) {
        return Files.isRegularFile(dir.resolve(checked(fingerprint)), LinkOption.NOFOLLOW_LINKS);
    }

    /** The fingerprints of the stored images (for reconciliation with the database). */
    public List<String> fingerprints() {
        List<String> out = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path p : s) {
                String name = p.getFileName().toString();
                if (FINGERPRINT.matcher(name).matches() && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    out.add(name);
                }
            }
        } catch (IOException e) {
            throw ApiException.internal("cannot list " + dir, e);
        }
        out.sort(null);
        return out;
    }

    /**
     * The image's files (for export, and for pools to unpack).
     *
     * @throws ApiException 404 if the store does not hold it
     */
    public ImageFiles files(String fingerprint) {
        Path main = dir.resolve(checked(fingerprint));
        Path rootfs = dir.resolve(fingerprint + ROOTFS_SUFFIX);
        try {
            if (!Files.isRegularFile(main, LinkOption.NOFOLLOW_LINKS)) {
                throw ApiException.notFound("Image not found");
            }
            Compression mc = Compression.detect(main);
            long mainSize = Files.size(main);
            if (!Files.isRegularFile(rootfs, LinkOption.NOFOLLOW_LINKS)) {
                String name = fingerprint + mc.extension();
                return new ImageFiles(fingerprint, new ImageFiles.Part(name, name, main, mainSize), null);
            }
            Compression rc = Compression.detect(rootfs);
            String field = rc.tarball() || rc == Compression.SQUASHFS ? "rootfs" : "rootfs.img";
            return new ImageFiles(fingerprint,
                    new ImageFiles.Part("metadata", "meta-" + fingerprint + mc.extension(), main, mainSize),
                    new ImageFiles.Part(field, fingerprint + rc.extension(), rootfs, Files.size(rootfs)));
        } catch (IOException e) {
            throw ApiException.internal("cannot read image " + fingerprint, e);
        }
    }

    /**
     * Reads a stored image's metadata again (reconciliation, or a database rebuilt from the files): what the upload
     * headers said is not kept here, so filename is empty, public false, aliases and profiles empty, and
     * uploaded_at is the file's modification time. Reads the whole image.
     *
     * @throws ApiException 404 if the store does not hold it
     */
    public ImageInfo inspect(String fingerprint) {
        ImageFiles files = files(fingerprint);
        try {
            Read read = files.split()
                    ? readSplit(files.metadata().path(), files.rootfs().path(), files.rootfs().field())
                    : readUnified(files.metadata().path());
            Instant uploaded = Files.getLastModifiedTime(files.metadata().path()).toInstant();
            return new ImageInfo(fingerprint, "", files.size(), read.metadata().architecture(), read.type(),
                    read.metadata().createdAt(), read.metadata().expiresAt(), uploaded,
                    read.metadata().properties(), false, List.of(), List.of(), read.metadata());
        } catch (IOException e) {
            throw ApiException.internal("cannot read image " + fingerprint, e);
        }
    }

    /**
     * Deletes the image's files. Pools keep their own unpacked copies: the daemon also calls
     * {@link DirPool#deleteImageCache} on each pool.
     *
     * @throws ApiException 404 if the store does not hold it
     */
    public void delete(String fingerprint) {
        synchronized (installLock) {
            Path main = dir.resolve(checked(fingerprint));
            try {
                if (!Files.deleteIfExists(main)) {
                    throw ApiException.notFound("Image not found");
                }
                Files.deleteIfExists(dir.resolve(fingerprint + ROOTFS_SUFFIX));
            } catch (IOException e) {
                throw ApiException.internal("cannot delete image " + fingerprint, e);
            }
        }
        LOG.info("image {} deleted", fingerprint);
    }

    /** Checks that a fingerprint is a full sha256 in lower-case hex (so it is also a safe file name). */
    static String checked(String fingerprint) {
        if (fingerprint == null || !FINGERPRINT.matcher(fingerprint).matches()) {
            throw ApiException.badRequest("Invalid image fingerprint: " + fingerprint);
        }
        return fingerprint;
    }

    private void cleanUp() throws IOException {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path p : s) {
                String name = p.getFileName().toString();
                boolean leftover = name.startsWith(INCOMING);
                if (name.endsWith(ROOTFS_SUFFIX)) {
                    String fp = name.substring(0, name.length() - ROOTFS_SUFFIX.length());
                    leftover = FINGERPRINT.matcher(fp).matches() && !Files.exists(dir.resolve(fp));
                }
                if (leftover) {
                    LOG.info("removing {}, left by an interrupted import", p);
                    FileTrees.deleteTree(p);
                }
            }
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
