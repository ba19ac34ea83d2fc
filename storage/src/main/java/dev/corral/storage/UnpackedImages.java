package dev.corral.storage;

import dev.corral.instance.Revert;

import dev.corral.api.ApiException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pool's unpacked images, {@code <pool>/images/<fingerprint>/}: metadata.yaml, templates/, and rootfs/ (containers,
 * with the image's own ids and without what is under /dev) or rootfs.img (VMs). Each image is unpacked once, by one
 * thread, under a staging name renamed into place at the end; volumes are copied from it under a read lock, so that
 * deleting it waits for them.
 */
final class UnpackedImages {

    private static final Logger LOG = LoggerFactory.getLogger(UnpackedImages.class);

    private final Path dir;
    private final ImageStore store;
    private final String staging;
    private final Map<String, ReentrantReadWriteLock> locks = new ConcurrentHashMap<>();
    private final Map<String, Long> rootfsSizes = new ConcurrentHashMap<>();

    /** An unpacked image in use: it stays until {@link #close()}. */
    final class Lease implements AutoCloseable {
        private final String fingerprint;
        private final Path path;
        private boolean closed;

        private Lease(String fingerprint, Path path) {
            this.fingerprint = fingerprint;
            this.path = path;
        }

        Path path() {
            return path;
        }

        /** Bytes of the regular files of rootfs/ (for progress), or -1. */
        long rootfsSize() {
            return rootfsSizes.computeIfAbsent(fingerprint, f -> {
                try {
                    return FileTrees.usage(path.resolve("rootfs"));
                } catch (IOException e) {
                    return -1L;
                }
            });
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                lock(fingerprint).readLock().unlock();
            }
        }
    }

    /** @param staging the prefix of names under construction, removed at start if left by a crash */
    UnpackedImages(Path dir, ImageStore store, String staging) {
        this.dir = dir;
        this.store = store;
        this.staging = staging;
    }

    boolean has(String fingerprint) {
        return Files.isDirectory(dir.resolve(fingerprint), LinkOption.NOFOLLOW_LINKS);
    }

    /** The unpacked image, unpacking it first if needed ({@link Progress#UNPACKING}). */
    Lease acquire(String fingerprint, Progress progress) {
        ReentrantReadWriteLock lock = lock(fingerprint);
        Path path = dir.resolve(fingerprint);
        lock.readLock().lock();
        if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            return new Lease(fingerprint, path);
        }
        lock.readLock().unlock();
        lock.writeLock().lock();
        try {
            if (!Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                unpack(fingerprint, path, progress);
            }
            lock.readLock().lock();
        } finally {
            lock.writeLock().unlock();
        }
        return new Lease(fingerprint, path);
    }

    /** Removes the unpacked image, once no volume is being made from it; false if there was none. */
    boolean delete(String fingerprint) throws IOException {
        ReentrantReadWriteLock lock = lock(fingerprint);
        lock.writeLock().lock();
        try {
            Path trash = dir.resolve(staging + "trash-" + fingerprint + "-" + UUID.randomUUID());
            try {
                Posix.renameNoReplace(dir.resolve(fingerprint), trash);
            } catch (NoSuchFileException e) {
                return false;
            }
            rootfsSizes.remove(fingerprint);
            FileTrees.deleteTree(trash);
            return true;
        } finally {
            lock.writeLock().unlock();
        }
    }

    private ReentrantReadWriteLock lock(String fingerprint) {
        return locks.computeIfAbsent(fingerprint, f -> new ReentrantReadWriteLock());
    }

    private void unpack(String fingerprint, Path cache, Progress progress) {
        ImageFiles files = store.files(fingerprint);
        Path staging = dir.resolve(this.staging + "unpack-" + fingerprint + "-" + UUID.randomUUID());
        long started = System.nanoTime();
        try (Revert revert = new Revert()) {
            Files.createDirectory(staging);
            revert.add(() -> FileTrees.deleteTree(staging));
            ProgressMeter meter = new ProgressMeter(progress, Progress.UNPACKING, files.size());
            if (!files.split()) {
                extract(files.metadata().path(), staging, UnpackedImages::unifiedLayout, meter);
            } else {
                extract(files.metadata().path(), staging, UnpackedImages::metadataLayout, meter);
                Path rootfs = files.rootfs().path();
                Compression c = Compression.detect(rootfs);
                if (files.splitVirtualMachine()) {
                    Files.copy(rootfs, staging.resolve("rootfs.img"));
                    meter.add(files.rootfs().size());
                } else if (c.tarball()) {
                    extract(rootfs, staging, UnpackedImages::rootfsLayout, meter);
                } else if (c == Compression.SQUASHFS) {
                    unsquash(rootfs, staging.resolve("rootfs"));
                    meter.add(files.rootfs().size());
                } else {
                    throw ApiException.badRequest("The rootfs of image " + fingerprint + " cannot be unpacked");
                }
            }
            meter.finish();
            if (!Files.isRegularFile(staging.resolve("metadata.yaml"), LinkOption.NOFOLLOW_LINKS)) {
                throw ApiException.badRequest("Image " + fingerprint + " has no metadata.yaml");
            }
            Files.setPosixFilePermissions(staging, PosixFilePermissions.fromString("rwx------"));
            Posix.renameNoReplace(staging, cache);
            revert.success();
        } catch (IOException e) {
            throw ApiException.internal("Failed to unpack image " + fingerprint + ": " + e.getMessage(), e);
        }
        LOG.info("{}: image {} unpacked in {} ms", dir, fingerprint,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    private static void extract(Path file, Path target, UnaryOperator<String> layout, ProgressMeter meter)
            throws IOException {
        Compression c = Compression.detect(file);
        try (InputStream raw = Files.newInputStream(file);
                InputStream counted = new FilterInputStream(raw) {
                    @Override
                    public int read(byte[] b, int off, int len) throws IOException {
                        int n = super.read(b, off, len);
                        if (n > 0) {
                            meter.add(n);
                        }
                        return n;
                    }
                };
                InputStream in = c.decompress(counted)) {
            new TarExtractor(target, layout, IdShift.NONE).extract(new TarReader(in));
        } catch (ApiException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new IOException(e.toString(), e);
        }
    }

    /** Unified image: metadata.yaml, templates/, rootfs/ (without what is under rootfs/dev/), rootfs.img. */
    static String unifiedLayout(String name) {
        if (name.equals("metadata.yaml") || name.equals("rootfs.img") || name.equals("templates")
                || name.startsWith("templates/")) {
            return name;
        }
        if (name.equals("rootfs") || (name.startsWith("rootfs/") && !name.startsWith("rootfs/dev/"))) {
            return name;
        }
        return null;
    }

    /** Metadata tarball of a split image: metadata.yaml and templates/. */
    static String metadataLayout(String name) {
        if (name.equals("metadata.yaml") || name.equals("templates") || name.startsWith("templates/")) {
            return name;
        }
        return null;
    }

    /** Rootfs tarball of a split image: everything goes under rootfs/, except what is under dev/. */
    static String rootfsLayout(String name) {
        if (name.startsWith("dev/")) {
            return null;
        }
        return name.isEmpty() ? "rootfs" : "rootfs/" + name;
    }

    private static void unsquash(Path squashfs, Path target) throws IOException {
        Process p;
        try {
            p = new ProcessBuilder("unsquashfs", "-n", "-d", target.toString(), squashfs.toString())
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new ApiException(500,
                    "Unpacking squashfs images needs unsquashfs (Debian package squashfs-tools): " + e.getMessage());
        }
        p.getOutputStream().close();
        byte[] output = p.getInputStream().readAllBytes();
        int exit;
        try {
            exit = p.waitFor();
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while unpacking a squashfs");
        }
        if (exit != 0) {
            String text = new String(output, StandardCharsets.UTF_8).strip();
            if (text.length() > 500) {
                text = "..." + text.substring(text.length() - 500);
            }
            throw new IOException("unsquashfs failed (exit " + exit + "): " + text);
        }
        // As for tarballs: /dev is the container manager's.
        Path dev = target.resolve("dev");
        if (Files.isDirectory(dev, LinkOption.NOFOLLOW_LINKS)) {
            try (DirectoryStream<Path> s = Files.newDirectoryStream(dev)) {
                for (Path child : s) {
                    FileTrees.deleteTree(child);
                }
            }
        }
    }
}
