package dev.corral.storage;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** Whole-tree file operations that never follow symbolic links. */
final class FileTrees {

    private FileTrees() {
    }

    /** Deletes {@code root} and everything below it; nothing if it does not exist. Links are removed, not followed. */
    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
            Files.deleteIfExists(root);
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                // A directory without owner rwx (e.g. a volume's 0100) is still removable by root, but make sure.
                Set<PosixFilePermission> perms = Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS);
                if (!perms.contains(PosixFilePermission.OWNER_WRITE)
                        || !perms.contains(PosixFilePermission.OWNER_EXECUTE)
                        || !perms.contains(PosixFilePermission.OWNER_READ)) {
                    Set<PosixFilePermission> more = new HashSet<>(perms);
                    more.add(PosixFilePermission.OWNER_READ);
                    more.add(PosixFilePermission.OWNER_WRITE);
                    more.add(PosixFilePermission.OWNER_EXECUTE);
                    Files.setPosixFilePermissions(dir, more);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null && !(e instanceof NoSuchFileException)) {
                    throw e;
                }
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /**
     * Bytes used below {@code root}: the apparent sizes of regular files (each inode counted once) and of symbolic
     * links. Directories and metadata are not counted.
     */
    static long usage(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return 0;
        }
        long[] total = {0};
        Set<Object> seen = new HashSet<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (attrs.isRegularFile()) {
                    Map<String, Object> a = Files.readAttributes(file, "unix:nlink,ino", LinkOption.NOFOLLOW_LINKS);
                    if ((Integer) a.get("nlink") > 1 && !seen.add(a.get("ino"))) {
                        return FileVisitResult.CONTINUE;
                    }
                    total[0] += attrs.size();
                } else if (attrs.isSymbolicLink()) {
                    total[0] += attrs.size();
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }
        });
        return total[0];
    }
}
