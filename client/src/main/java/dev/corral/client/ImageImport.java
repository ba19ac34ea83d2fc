package dev.corral.client;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An image to upload ({@code POST /1.0/images} with the file as body, as {@code incus image import} does). Immutable:
 *
 * <pre>{@code
 * ImageImport.unified(Path.of("busybox.tar.gz")).withAliases("bb")
 * ImageImport.split(Path.of("meta.tar.xz"), Path.of("rootfs.squashfs")).withPublic(true)
 * }</pre>
 *
 * @param file the unified tarball, or the metadata tarball of a split image
 * @param rootfs the root file system of a split image (tarball or squashfs; a qcow2 disk for a VM), or null
 * @param virtualMachine a VM image: the rootfs is sent as {@code rootfs.img}
 * @param isPublic visible to untrusted clients
 * @param filename the file name the daemon records, or null
 * @param properties properties that override the image's metadata
 * @param aliases aliases the daemon creates for it
 * @param profiles profiles new instances of it get
 */
public record ImageImport(
        Path file,
        Path rootfs,
        boolean virtualMachine,
        boolean isPublic,
        String filename,
        Map<String, String> properties,
        List<String> aliases,
        List<String> profiles) {

    public ImageImport {
        Objects.requireNonNull(file, "file");
        properties = Map.copyOf(properties);
        aliases = List.copyOf(aliases);
        profiles = List.copyOf(profiles);
    }

    public static ImageImport unified(Path tarball) {
        return new ImageImport(tarball, null, false, false, null, Map.of(), List.of(), List.of());
    }

    public static ImageImport split(Path metadata, Path rootfs) {
        return new ImageImport(metadata, Objects.requireNonNull(rootfs, "rootfs"), false, false, null, Map.of(),
                List.of(), List.of());
    }

    public ImageImport withVirtualMachine(boolean vm) {
        return new ImageImport(file, rootfs, vm, isPublic, filename, properties, aliases, profiles);
    }

    public ImageImport withPublic(boolean visible) {
        return new ImageImport(file, rootfs, virtualMachine, visible, filename, properties, aliases, profiles);
    }

    public ImageImport withFilename(String name) {
        return new ImageImport(file, rootfs, virtualMachine, isPublic, name, properties, aliases, profiles);
    }

    public ImageImport withProperties(Map<String, String> values) {
        return new ImageImport(file, rootfs, virtualMachine, isPublic, filename, values, aliases, profiles);
    }

    public ImageImport withAliases(String... names) {
        return new ImageImport(file, rootfs, virtualMachine, isPublic, filename, properties, List.of(names),
                profiles);
    }

    public ImageImport withProfiles(String... names) {
        return new ImageImport(file, rootfs, virtualMachine, isPublic, filename, properties, aliases,
                List.of(names));
    }

    public boolean isSplit() {
        return rootfs != null;
    }
}
