package dev.corral.storage;

import dev.corral.api.ApiException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;

/**
 * The custom volumes of a dir pool, under {@code <pool>/custom/<project>_<name>/}: a filesystem volume is that
 * directory, a block volume the raw file {@code root.img} in it (sparse, of the volume's size), an ISO volume the
 * imported image {@code volume.iso} in it. Each change is made aside and renamed into place.
 */
public final class CustomVolumes {

    /** A volume's {@code content_type}. */
    public enum ContentType {
        FILESYSTEM("filesystem"), BLOCK("block"), ISO("iso");

        private final String wireName;

        ContentType(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }

        /** The type for a {@code content_type} value ("" is filesystem), or null. */
        public static ContentType of(String wireName) {
            if (wireName == null || wireName.isEmpty()) {
                return FILESYSTEM;
            }
            for (ContentType type : values()) {
                if (type.wireName.equals(wireName)) {
                    return type;
                }
            }
            return null;
        }
    }

    private final Path dir;

    public CustomVolumes(Path poolRoot) {
        this.dir = poolRoot.resolve("custom");
    }

    /** The volume's directory. */
    public Path path(String project, String name) {
        return dir.resolve(project + "_" + name);
    }

    /** What an instance is given of the volume: the directory, the block device's file or the ISO image. */
    public Path content(String project, String name, ContentType type) {
        Path volume = path(project, name);
        return switch (type) {
            case FILESYSTEM -> volume;
            case BLOCK -> volume.resolve("root.img");
            case ISO -> volume.resolve("volume.iso");
        };
    }

    /** A new empty volume; a block volume's file has {@code size} bytes (sparse). */
    public void create(String project, String name, ContentType type, long size) {
        place(project, name, staging -> {
            if (type == ContentType.BLOCK) {
                try (RandomAccessFile file = new RandomAccessFile(staging.resolve("root.img").toFile(), "rw")) {
                    file.setLength(size);
                }
            }
        });
    }

    /** A new ISO volume from {@code image}, which is moved into it. */
    public void importIso(String project, String name, Path image) {
        place(project, name, staging -> Files.move(image, staging.resolve("volume.iso"),
                StandardCopyOption.REPLACE_EXISTING));
    }

    public void delete(String project, String name) {
        Path trash = dir.resolve(".trash-" + UUID.randomUUID());
        try {
            Posix.renameNoReplace(path(project, name), trash);
            FileTrees.deleteTree(trash);
        } catch (NoSuchFileException e) {
            // already gone
        } catch (IOException e) {
            throw ApiException.internal("Failed to delete storage volume \"" + name + "\": " + e.getMessage(), e);
        }
    }

    public void rename(String project, String from, String to) {
        try {
            Posix.renameNoReplace(path(project, from), path(project, to));
        } catch (FileAlreadyExistsException e) {
            throw ApiException.conflict("Volume by that name already exists");
        } catch (IOException e) {
            throw ApiException.internal("Failed to rename storage volume \"" + from + "\": " + e.getMessage(), e);
        }
    }

    private interface Filler {
        void fill(Path staging) throws IOException;
    }

    private void place(String project, String name, Filler filler) {
        Path staging = dir.resolve(".new-" + UUID.randomUUID());
        try {
            Files.createDirectories(staging);
            filler.fill(staging);
            Posix.renameNoReplace(staging, path(project, name));
        } catch (FileAlreadyExistsException e) {
            throw ApiException.conflict("Volume by that name already exists");
        } catch (IOException e) {
            throw ApiException.internal("Failed to create storage volume \"" + name + "\": " + e.getMessage(), e);
        } finally {
            try {
                if (Files.exists(staging)) {
                    FileTrees.deleteTree(staging);
                }
            } catch (IOException e) {
                // a leftover staging directory is harmless; the next start of the pool does not read it
            }
        }
    }
}
