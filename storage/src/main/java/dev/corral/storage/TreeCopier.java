package dev.corral.storage;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.FileVisitor;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Copies a tree (an unpacked image) into a new place with owners shifted into an id map in the same pass: regular
 * files are copied (never hard-linked across trees), hard links inside the tree stay hard links, symbolic links are
 * copied as links, device nodes only when the shift allows devices, FIFOs always; modes keep setuid/setgid/sticky,
 * extended attributes are shifted ({@link IdShift#xattr}), times are kept. Never follows symbolic links.
 */
final class TreeCopier extends TreeWriter {

    private static final String UNIX_ATTRIBUTES = "unix:mode,uid,gid,ino,nlink,rdev,size,lastModifiedTime";

    private final ProgressMeter meter;
    private final Map<Object, Path> hardLinks = new HashMap<>();

    /** @param meter counts bytes of regular files copied, or null */
    TreeCopier(IdShift shift, ProgressMeter meter) {
        super(shift);
        this.meter = meter;
    }

    /** Copies {@code source} (a directory) to {@code dest}, which must not exist. */
    void copy(Path source, Path dest) throws IOException {
        Files.walkFileTree(source, new FileVisitor<>() {
            private final Deque<Map<String, Object>> dirs = new ArrayDeque<>();

            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Path to = dest.resolve(source.relativize(dir).toString());
                Map<String, Object> a = Files.readAttributes(dir, UNIX_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
                Files.createDirectory(to);
                owner(to, a, dir);
                xattrs(dir, to);
                dirs.push(a);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                copyEntry(file, dest.resolve(source.relativize(file).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Map<String, Object> a = dirs.pop();
                Path to = dest.resolve(source.relativize(dir).toString());
                TreeWriter.mode(to, (Integer) a.get("mode"));
                TreeWriter.mtime(to, (FileTime) a.get("lastModifiedTime"));
                return FileVisitResult.CONTINUE;
            }
        });
        if (meter != null) {
            meter.finish();
        }
        reportXattrFailures(dest);
    }

    /** Copies one file (not a directory) as it is, owner shifted; used for metadata.yaml and templates too. */
    void copyEntry(Path file, Path to) throws IOException {
        Map<String, Object> a = Files.readAttributes(file, UNIX_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
        int mode = (Integer) a.get("mode");
        switch (mode & Posix.S_IFMT) {
            case Posix.S_IFREG -> {
                if ((Integer) a.get("nlink") > 1) {
                    Path first = hardLinks.putIfAbsent(a.get("ino"), to);
                    if (first != null) {
                        Files.createLink(to, first);
                        return;
                    }
                }
                Files.copy(file, to, LinkOption.NOFOLLOW_LINKS);
                if (meter != null) {
                    meter.add((Long) a.get("size"));
                }
            }
            case Posix.S_IFLNK -> Files.createSymbolicLink(to, Files.readSymbolicLink(file));
            case Posix.S_IFCHR, Posix.S_IFBLK -> {
                if (!shift.devicesAllowed()) {
                    return;
                }
                long rdev = (Long) a.get("rdev");
                Posix.mknod(to, mode & (Posix.S_IFMT | 0777), Posix.major(rdev), Posix.minor(rdev));
            }
            case Posix.S_IFIFO -> Posix.mknod(to, Posix.S_IFIFO | (mode & 0777), 0, 0);
            default -> {
                return; // sockets are not copied
            }
        }
        owner(to, a, file);
        boolean link = (mode & Posix.S_IFMT) == Posix.S_IFLNK;
        if (!link) {
            TreeWriter.mode(to, mode);
        }
        xattrs(file, to);
        TreeWriter.mtime(to, (FileTime) a.get("lastModifiedTime"));
    }

    private void owner(Path to, Map<String, Object> a, Path from) throws IOException {
        long uid = Integer.toUnsignedLong((Integer) a.get("uid"));
        long gid = Integer.toUnsignedLong((Integer) a.get("gid"));
        TreeWriter.owner(to, shift.uid(uid, from), shift.gid(gid, from));
    }

    private void xattrs(Path from, Path to) throws IOException {
        var names = Posix.listXattrs(from);
        if (names.isEmpty()) {
            return;
        }
        Map<String, byte[]> values = new LinkedHashMap<>();
        for (String name : names) {
            byte[] v = Posix.getXattr(from, name);
            if (v != null) {
                values.put(name, v);
            }
        }
        xattrs(to, values, from);
    }
}
