package dev.corral.storage;

import dev.corral.instance.Revert;

import dev.corral.api.ApiException;
import dev.corral.instance.IdMap;
import dev.corral.instance.InstanceRef;
import dev.corral.instance.InstanceType;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A storage pool of the {@code dir} driver: plain directories under {@code $CORRAL_DIR/storage-pools/<pool>/}.
 *
 * <pre>
 * containers/&lt;backend name&gt;/         a container's volume: rootfs/, metadata.yaml, templates/
 * virtual-machines/&lt;backend name&gt;/   a VM's volume: root.img (the image's qcow2 disk, mode 0600),
 *                                   metadata.yaml, templates/
 * images/&lt;fingerprint&gt;/             one unpacked copy of each image used here (mode 0700; the image's own ids)
 * custom/                           custom volumes (later)
 * </pre>
 *
 * <p>A container's volume directory has mode 0100 (as Incus) and belongs to the container's root (host uid
 * {@code idMap.hostUid}): an unprivileged liblxc opens {@code rootfs/} as that uid and needs to pass through, host
 * users cannot look in. Without an id map (privileged, or an LXC idmapped mount of an unshifted rootfs) it belongs
 * to root. A VM's volume directory has mode 0711 so that the hypervisor's user (libvirt's qemu) can reach
 * {@code root.img}.
 *
 * <p>A volume is made by copying the unpacked image (unpacked once per image and pool), shifting owners into the
 * instance's id map in the same pass, so instances with different id maps share one copy. Every change is built
 * under a hidden staging name ({@code .corral-...}) and renamed into place at the end, so a failure never leaves a
 * half-made volume behind; leftovers of a crash are removed when the pool is opened.
 *
 * <p>Threading: every method blocks on disk (a volume from a 1 MB image takes milliseconds, from a distribution
 * image seconds) and must run on a worker thread, never an event loop. Methods may be called concurrently, for
 * different instances; the daemon serialises changes to one instance. An image is unpacked by one thread while others
 * that need it wait.
 */
public final class DirPool {

    public static final String DRIVER = "dir";

    private static final Logger LOG = LoggerFactory.getLogger(DirPool.class);
    private static final String STAGING = ".corral-";

    private final String name;
    private final Path root;
    private final UnpackedImages unpacked;

    /** Bytes of a pool's file system. */
    public record Space(long total, long used) {
    }

    /**
     * Opens the pool at {@code root}, creating its directories if needed, and removes staging leftovers.
     *
     * @param images where the pool finds the images it unpacks
     */
    public DirPool(String name, Path root, ImageStore images) {
        this.name = name;
        this.root = root.toAbsolutePath().normalize();
        this.unpacked = new UnpackedImages(this.root.resolve("images"), images, STAGING);
        try {
            directory(this.root, "rwx--x--x");
            directory(typeDir(InstanceType.CONTAINER), "rwx--x--x");
            directory(typeDir(InstanceType.VIRTUAL_MACHINE), "rwx--x--x");
            directory(imagesDir(), "rwx------");
            directory(this.root.resolve("custom"), "rwx--x--x");
            for (Path dir : List.of(typeDir(InstanceType.CONTAINER), typeDir(InstanceType.VIRTUAL_MACHINE),
                    imagesDir())) {
                removeLeftovers(dir);
            }
        } catch (IOException e) {
            throw ApiException.internal("cannot open storage pool " + name + " at " + this.root, e);
        }
    }

    public String name() {
        return name;
    }

    public Path root() {
        return root;
    }

    /** Where the instance's volume is (whether or not it exists). */
    public Path volumePath(InstanceRef ref, InstanceType type) {
        return typeDir(type).resolve(safeName(ref));
    }

    public boolean volumeExists(InstanceRef ref, InstanceType type) {
        return Files.exists(volumePath(ref, type), LinkOption.NOFOLLOW_LINKS);
    }

    /** {@link #createInstanceVolume(InstanceRef, InstanceType, String, IdMap, Progress)} for a container. */
    public Path createInstanceVolume(InstanceRef ref, String fingerprint, IdMap idMap) {
        return createInstanceVolume(ref, InstanceType.CONTAINER, fingerprint, idMap, Progress.NONE);
    }

    /**
     * Creates an instance's volume from an image of the store. A container gets {@code rootfs/} (owners shifted
     * into {@code idMap}; device nodes skipped when unprivileged), {@code metadata.yaml} and {@code templates/}; a
     * virtual machine gets {@code root.img} (the image's disk, qcow2 as shipped) with {@code metadata.yaml} and
     * {@code templates/}. The first volume from an image on this pool unpacks it ({@link Progress#UNPACKING}); each
     * volume then copies it ({@link Progress#COPYING}).
     *
     * @param idMap the container's id map, or null for privileged containers and VMs (ids unchanged)
     * @return the volume's directory
     * @throws ApiException 409 if the volume exists, 404 if the store has no such image, 400 if the image is not of
     *     {@code type} or holds something that cannot be placed in the volume, 500 on disk failures
     */
    public Path createInstanceVolume(InstanceRef ref, InstanceType type, String fingerprint, IdMap idMap,
            Progress progress) {
        ImageStore.checked(fingerprint);
        Path volume = volumePath(ref, type);
        requireAbsent(volume, ref);
        long started = System.nanoTime();
        try (UnpackedImages.Lease image = unpacked.acquire(fingerprint, progress)) {
            Path staging = typeDir(type).resolve(STAGING + "new-" + safeName(ref) + "-" + UUID.randomUUID());
            try (Revert revert = new Revert()) {
                Files.createDirectory(staging);
                revert.add(() -> FileTrees.deleteTree(staging));
                if (type == InstanceType.CONTAINER) {
                    Path rootfs = image.path().resolve("rootfs");
                    if (!Files.isDirectory(rootfs, LinkOption.NOFOLLOW_LINKS)) {
                        throw ApiException.badRequest("Image " + fingerprint + " is not a container image");
                    }
                    ProgressMeter meter = new ProgressMeter(progress, Progress.COPYING, image.rootfsSize());
                    new TreeCopier(IdShift.of(idMap), meter).copy(rootfs, staging.resolve("rootfs"));
                } else {
                    Path disk = image.path().resolve("rootfs.img");
                    if (!Files.isRegularFile(disk, LinkOption.NOFOLLOW_LINKS)) {
                        throw ApiException.badRequest("Image " + fingerprint + " is not a virtual-machine image");
                    }
                    Path root = staging.resolve("root.img");
                    Files.copy(disk, root);
                    TreeWriter.mode(root, 0600);
                    progress.update(Progress.COPYING, Files.size(disk), Files.size(disk));
                }
                copyImageMetadata(image.path(), staging);
                volumeDirectory(staging, type, idMap);
                Posix.renameNoReplace(staging, volume);
                revert.success();
            }
        } catch (FileAlreadyExistsException e) {
            throw volumeExists(ref);
        } catch (IOException e) {
            throw ApiException.internal("Failed to create the volume of instance " + ref.name() + " from image "
                    + fingerprint + ": " + e.getMessage(), e);
        }
        LOG.info("pool {}: volume {} created from image {} in {} ms", name, volume, fingerprint,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        return volume;
    }

    /**
     * Unpacks the image on this pool now, if it is not yet ({@link Progress#UNPACKING}), so that the first volume made
     * from it is as quick as the next ones: for example right after an import. Optional.
     */
    public void unpackImage(String fingerprint, Progress progress) {
        ImageStore.checked(fingerprint);
        unpacked.acquire(fingerprint, progress).close();
    }

    /**
     * Creates an empty volume ({@code source: none}): a container's holds an empty {@code rootfs/} owned by the
     * container's root (mode 0755); a VM's is an empty directory (the VM driver makes its disk).
     *
     * @param idMap the container's id map, or null (privileged, VMs)
     * @throws ApiException 409 if the volume exists
     */
    public Path createEmptyVolume(InstanceRef ref, InstanceType type, IdMap idMap) {
        Path volume = volumePath(ref, type);
        requireAbsent(volume, ref);
        Path staging = typeDir(type).resolve(STAGING + "new-" + safeName(ref) + "-" + UUID.randomUUID());
        try (Revert revert = new Revert()) {
            Files.createDirectory(staging);
            revert.add(() -> FileTrees.deleteTree(staging));
            if (type == InstanceType.CONTAINER) {
                Path rootfs = staging.resolve("rootfs");
                Files.createDirectory(rootfs);
                IdShift shift = IdShift.of(idMap);
                TreeWriter.owner(rootfs, shift.uid(0, "rootfs"), shift.gid(0, "rootfs"));
                TreeWriter.mode(rootfs, 0755);
            }
            volumeDirectory(staging, type, idMap);
            Posix.renameNoReplace(staging, volume);
            revert.success();
        } catch (FileAlreadyExistsException e) {
            throw volumeExists(ref);
        } catch (IOException e) {
            throw ApiException.internal("Failed to create the volume of instance " + ref.name() + ": "
                    + e.getMessage(), e);
        }
        return volume;
    }

    /**
     * Deletes an instance's volume and everything in it. The volume disappears at once (renamed away), then its
     * files are removed.
     *
     * @return false if there was no such volume
     */
    public boolean deleteInstanceVolume(InstanceRef ref, InstanceType type) {
        Path volume = volumePath(ref, type);
        Path trash = typeDir(type).resolve(STAGING + "trash-" + safeName(ref) + "-" + UUID.randomUUID());
        try {
            try {
                Posix.renameNoReplace(volume, trash);
            } catch (NoSuchFileException e) {
                return false;
            }
            FileTrees.deleteTree(trash);
        } catch (IOException e) {
            throw ApiException.internal("Failed to delete the volume of instance " + ref.name() + ": "
                    + e.getMessage(), e);
        }
        LOG.info("pool {}: volume {} deleted", name, volume);
        return true;
    }

    /**
     * Renames an instance's volume (instance rename, or a move between projects).
     *
     * @throws ApiException 404 if {@code from} has no volume, 409 if {@code to} has one
     */
    public void renameInstanceVolume(InstanceRef from, InstanceRef to, InstanceType type) {
        Path source = volumePath(from, type);
        Path target = volumePath(to, type);
        try {
            Posix.renameNoReplace(source, target);
        } catch (NoSuchFileException e) {
            throw ApiException.notFound("Instance " + from.name() + " has no volume on storage pool " + name);
        } catch (FileAlreadyExistsException e) {
            throw volumeExists(to);
        } catch (IOException e) {
            throw ApiException.internal("Failed to rename the volume of instance " + from.name() + ": "
                    + e.getMessage(), e);
        }
    }

    /** Bytes used by the volume: apparent sizes of its files, each hard-linked file once. */
    public long usage(InstanceRef ref, InstanceType type) {
        try {
            return FileTrees.usage(volumePath(ref, type));
        } catch (IOException e) {
            throw ApiException.internal("cannot measure the volume of instance " + ref.name(), e);
        }
    }

    /** Size and use of the file system the pool lives on. */
    public Space space() {
        try {
            FileStore store = Files.getFileStore(root);
            return new Space(store.getTotalSpace(), store.getTotalSpace() - store.getUnallocatedSpace());
        } catch (IOException e) {
            throw ApiException.internal("cannot read the space of storage pool " + name, e);
        }
    }

    /** Whether the pool holds an unpacked copy of the image. */
    public boolean hasImageCache(String fingerprint) {
        return unpacked.has(ImageStore.checked(fingerprint));
    }

    /**
     * Removes the pool's unpacked copy of an image (when the image is deleted); waits for volumes being made from it.
     *
     * @return false if there was none
     */
    public boolean deleteImageCache(String fingerprint) {
        try {
            return unpacked.delete(ImageStore.checked(fingerprint));
        } catch (IOException e) {
            throw ApiException.internal("cannot delete the unpacked image " + fingerprint + " of pool " + name, e);
        }
    }

    /**
     * Deletes the pool's directory with its image copies.
     *
     * @throws ApiException 409 if instance or custom volumes remain
     */
    public void delete() {
        try {
            for (Path dir : List.of(typeDir(InstanceType.CONTAINER), typeDir(InstanceType.VIRTUAL_MACHINE),
                    root.resolve("custom"))) {
                removeLeftovers(dir);
                try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
                    if (s.iterator().hasNext()) {
                        throw ApiException.conflict("The storage pool is currently in use");
                    }
                }
            }
            FileTrees.deleteTree(root);
        } catch (NoSuchFileException e) {
            // already gone
        } catch (IOException e) {
            throw ApiException.internal("cannot delete storage pool " + name, e);
        }
    }

    private static void copyImageMetadata(Path cache, Path volume) throws IOException {
        TreeCopier copier = new TreeCopier(IdShift.NONE, null);
        Path metadata = cache.resolve("metadata.yaml");
        if (Files.isRegularFile(metadata, LinkOption.NOFOLLOW_LINKS)) {
            copier.copyEntry(metadata, volume.resolve("metadata.yaml"));
        }
        Path templates = cache.resolve("templates");
        if (Files.isDirectory(templates, LinkOption.NOFOLLOW_LINKS)) {
            copier.copy(templates, volume.resolve("templates"));
        }
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    private Path typeDir(InstanceType type) {
        return root.resolve(type == InstanceType.CONTAINER ? "containers" : "virtual-machines");
    }

    private Path imagesDir() {
        return root.resolve("images");
    }

    /** The backend name, checked to be one plain path component. */
    private static String safeName(InstanceRef ref) {
        String n = ref.backendName();
        if (n.isEmpty() || n.startsWith(".") || n.contains("/") || n.indexOf('\0') >= 0) {
            throw ApiException.badRequest("Invalid instance name: " + ref.name());
        }
        return n;
    }

    /** The volume directory's owner and mode (see the class comment). */
    private static void volumeDirectory(Path dir, InstanceType type, IdMap idMap) throws IOException {
        if (type == InstanceType.CONTAINER) {
            IdShift shift = IdShift.of(idMap);
            TreeWriter.owner(dir, shift.uid(0, dir), shift.gid(0, dir));
            TreeWriter.mode(dir, 0100);
        } else {
            TreeWriter.mode(dir, 0711);
        }
    }

    private void requireAbsent(Path volume, InstanceRef ref) {
        if (Files.exists(volume, LinkOption.NOFOLLOW_LINKS)) {
            throw volumeExists(ref);
        }
    }

    private ApiException volumeExists(InstanceRef ref) {
        return ApiException.conflict("A volume for instance " + ref.name() + " already exists on storage pool "
                + name);
    }

    private static void directory(Path dir, String perms) throws IOException {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(perms));
    }

    private static void removeLeftovers(Path dir) throws IOException {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, STAGING + "*")) {
            for (Path p : s) {
                LOG.info("removing {}, left by an interrupted change", p);
                FileTrees.deleteTree(p);
            }
        }
    }
}
