package dev.corral.storage;

import dev.corral.api.ApiException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Extracts a tar stream into a directory that only we write to (a fresh staging directory), keeping owners (numeric),
 * modes with setuid/setgid/sticky, symbolic and hard links, device nodes (when allowed), extended attributes and
 * modification times.
 *
 * <p>Nothing is written outside the target: names are cleaned ({@link EntryNames}), every existing directory on the
 * way to an entry is checked not to be a symbolic link (so {@code link -> /etc} followed by {@code link/passwd} is
 * refused), files are created with {@code O_CREAT|O_EXCL|O_NOFOLLOW} after removing what was there, and hard links
 * must name an entry inside the target.
 */
final class TarExtractor extends TreeWriter {

    private final Path target;
    private final UnaryOperator<String> layout;
    private final byte[] buffer = new byte[128 * 1024];
    private final List<DirectoryTime> directoryTimes = new ArrayList<>();

    /** A directory's mtime, set once everything inside it is written. */
    private record DirectoryTime(Path path, long seconds, int nanos) {
    }

    /**
     * @param layout maps a cleaned entry name to its place relative to {@code target}, or null to skip the entry;
     *     hard link targets go through it too
     * @param shift ids to apply (the image cache keeps the image's own ids: {@link IdShift#NONE})
     */
    TarExtractor(Path target, UnaryOperator<String> layout, IdShift shift) {
        super(shift);
        this.target = target;
        this.layout = layout;
    }

    void extract(TarReader tar) throws IOException {
        TarReader.Entry e;
        while ((e = tar.next()) != null) {
            String name = EntryNames.clean(e.name());
            String place = layout.apply(name);
            if (place == null) {
                continue;
            }
            Path dest = place.isEmpty() ? target : resolve(place);
            if (!dest.equals(target)) {
                prepareParents(dest, e.name());
            }
            switch (e.type()) {
                case DIRECTORY -> directory(dest, e);
                case FILE -> file(dest, e, tar.content());
                case SYMLINK -> symlink(dest, e);
                case HARDLINK -> hardlink(dest, e);
                case CHAR_DEVICE, BLOCK_DEVICE, FIFO -> special(dest, e);
                default -> {
                    // GNU volume headers and unknown types carry nothing to extract.
                }
            }
        }
        for (int i = directoryTimes.size() - 1; i >= 0; i--) {
            DirectoryTime t = directoryTimes.get(i);
            BasicFileAttributes a = attributes(t.path());
            if (a != null && a.isDirectory()) {
                TreeWriter.mtime(t.path(), t.seconds(), t.nanos());
            }
        }
        reportXattrFailures(target);
    }

    private Path resolve(String place) {
        Path p;
        try {
            p = target.resolve(place).normalize();
        } catch (InvalidPathException e) {
            throw new ApiException(500, "Cannot create " + EntryNames.quote(place) + " from the image: the daemon's"
                    + " locale cannot represent the name (run it with LC_ALL=C.UTF-8)");
        }
        if (!p.startsWith(target)) {
            throw ApiException.badRequest("Image tarball entry " + EntryNames.quote(place) + " leaves its directory");
        }
        return p;
    }

    /** Creates missing parents (root-owned, 0755); refuses a parent that is a symbolic link or not a directory. */
    private void prepareParents(Path dest, String raw) throws IOException {
        Path rel = target.relativize(dest.getParent() == null ? target : dest.getParent());
        Path p = target;
        for (Path part : rel) {
            if (part.toString().isEmpty()) {
                continue;
            }
            p = p.resolve(part);
            BasicFileAttributes a = attributes(p);
            if (a == null) {
                Files.createDirectory(p);
                TreeWriter.mode(p, 0755);
            } else if (a.isSymbolicLink()) {
                throw ApiException.badRequest("Image tarball entry " + EntryNames.quote(raw)
                        + " goes through a symbolic link (" + target.relativize(p) + ")");
            } else if (!a.isDirectory()) {
                throw ApiException.badRequest("Image tarball entry " + EntryNames.quote(raw) + ": "
                        + target.relativize(p) + " is not a directory");
            }
        }
    }

    private static BasicFileAttributes attributes(Path p) throws IOException {
        try {
            return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /** Removes what is at {@code dest} so a new entry can take its place (tar semantics: the last entry wins). */
    private void clear(Path dest, String raw) throws IOException {
        BasicFileAttributes a = attributes(dest);
        if (a == null) {
            return;
        }
        try {
            Files.delete(dest);
        } catch (DirectoryNotEmptyException ex) {
            throw ApiException.badRequest("Image tarball entry " + EntryNames.quote(raw)
                    + " would replace a directory that is not empty");
        }
    }

    private void directory(Path dest, TarReader.Entry e) throws IOException {
        BasicFileAttributes a = attributes(dest);
        if (a != null && !a.isDirectory()) {
            clear(dest, e.name());
            a = null;
        }
        if (a == null) {
            Files.createDirectory(dest);
        }
        attributes(dest, e, true);
        directoryTimes.add(new DirectoryTime(dest, e.mtime(), e.mtimeNanos()));
    }

    private void file(Path dest, TarReader.Entry e, InputStream content) throws IOException {
        clear(dest, e.name());
        try (OutputStream out = Files.newOutputStream(dest, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS)) {
            int n;
            while ((n = content.read(buffer)) > 0) {
                out.write(buffer, 0, n);
            }
        }
        attributes(dest, e, true);
        TreeWriter.mtime(dest, e.mtime(), e.mtimeNanos());
    }

    private void symlink(Path dest, TarReader.Entry e) throws IOException {
        if (e.linkName().isEmpty()) {
            throw ApiException.badRequest("Image tarball entry " + EntryNames.quote(e.name())
                    + " is a symbolic link without a target");
        }
        clear(dest, e.name());
        // The target is stored as it is: it is resolved inside the instance, never by us.
        Files.createSymbolicLink(dest, dest.getFileSystem().getPath(e.linkName()));
        attributes(dest, e, false);
        TreeWriter.mtime(dest, e.mtime(), e.mtimeNanos());
    }

    private void hardlink(Path dest, TarReader.Entry e) throws IOException {
        String linked = layout.apply(EntryNames.clean(e.linkName()));
        if (linked == null || linked.isEmpty()) {
            return;
        }
        Path source = resolve(linked);
        prepareParentsExisting(source, e);
        BasicFileAttributes a = attributes(source);
        if (a == null) {
            throw ApiException.badRequest("Image tarball entry " + EntryNames.quote(e.name())
                    + " is a hard link to " + EntryNames.quote(e.linkName())
                    + ", which is not in the tarball before it");
        }
        if (a.isDirectory()) {
            throw ApiException.badRequest("Image tarball entry " + EntryNames.quote(e.name())
                    + " is a hard link to a directory");
        }
        if (source.equals(dest)) {
            return;
        }
        clear(dest, e.name());
        Files.createLink(dest, source);
    }

    /** As {@link #prepareParents} for a hard link's target, without creating anything. */
    private void prepareParentsExisting(Path source, TarReader.Entry e) throws IOException {
        Path p = target;
        Path rel = target.relativize(source.getParent() == null ? target : source.getParent());
        for (Path part : rel) {
            if (part.toString().isEmpty()) {
                continue;
            }
            p = p.resolve(part);
            BasicFileAttributes a = attributes(p);
            if (a == null || !a.isDirectory() || a.isSymbolicLink()) {
                throw ApiException.badRequest("Image tarball entry " + EntryNames.quote(e.name())
                        + " is a hard link through something that is not a directory of the tarball ("
                        + EntryNames.quote(e.linkName()) + ")");
            }
        }
    }

    private void special(Path dest, TarReader.Entry e) throws IOException {
        int type = switch (e.type()) {
            case CHAR_DEVICE -> Posix.S_IFCHR;
            case BLOCK_DEVICE -> Posix.S_IFBLK;
            default -> Posix.S_IFIFO;
        };
        if (type != Posix.S_IFIFO && !shift.devicesAllowed()) {
            return;
        }
        clear(dest, e.name());
        Posix.mknod(dest, type | (e.mode() & 0777), e.devMajor(), e.devMinor());
        attributes(dest, e, true);
        TreeWriter.mtime(dest, e.mtime(), e.mtimeNanos());
    }

    /** Owner, mode (not for links), extended attributes. */
    private void attributes(Path dest, TarReader.Entry e, boolean mode) throws IOException {
        TreeWriter.owner(dest, shift.uid(e.uid(), e.name()), shift.gid(e.gid(), e.name()));
        if (mode) {
            TreeWriter.mode(dest, e.mode());
        }
        if (!e.xattrs().isEmpty()) {
            xattrs(dest, e.xattrs(), e.name());
        }
    }
}
