package dev.corral.container.lxc;

import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessMode;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.attribute.FileOwnerAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.spi.FileSystemProvider;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The operations of {@link LxcFileSystem}s: each one a call of the path's {@link RootDir}, so every file system
 * access that code written for {@code java.nio.file} makes (the SFTP server's included) is resolved inside the
 * container. What it cannot do safely it refuses ({@link UnsupportedOperationException}); nothing falls back to
 * the host's file system. One shared, stateless instance.
 */
final class LxcFileSystemProvider extends FileSystemProvider {

    static final String SCHEME = "corral-instance";
    static final LxcFileSystemProvider INSTANCE = new LxcFileSystemProvider();
    private static final int FILE_MODE = 0644;
    private static final int DIRECTORY_MODE = 0755;

    private LxcFileSystemProvider() {
    }

    @Override
    public String getScheme() {
        return SCHEME;
    }

    @Override
    public FileSystem newFileSystem(URI uri, Map<String, ?> env) {
        throw new UnsupportedOperationException("instance file systems come from the driver");
    }

    @Override
    public FileSystem getFileSystem(URI uri) {
        throw new UnsupportedOperationException("instance file systems come from the driver");
    }

    @Override
    public Path getPath(URI uri) {
        throw new UnsupportedOperationException("instance file systems come from the driver");
    }

    // ---- contents ----

    @Override
    public SeekableByteChannel newByteChannel(Path path, Set<? extends OpenOption> options,
            FileAttribute<?>... attrs) throws IOException {
        return newFileChannel(path, options, attrs);
    }

    @Override
    public FileChannel newFileChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
            throws IOException {
        LxcPath p = check(path);
        return p.getFileSystem().root().open(p.container(), options, mode(attrs, FILE_MODE));
    }

    @Override
    public DirectoryStream<Path> newDirectoryStream(Path dir, DirectoryStream.Filter<? super Path> filter)
            throws IOException {
        LxcPath p = check(dir);
        List<Path> entries = new ArrayList<>();
        for (String name : p.getFileSystem().root().list(p.container())) {
            Path entry = p.resolve(name);
            if (filter == null || filter.accept(entry)) {
                entries.add(entry);
            }
        }
        return new DirectoryStream<>() {
            private boolean iterated;

            @Override
            public Iterator<Path> iterator() {
                if (iterated) {
                    throw new IllegalStateException("iterator already obtained");
                }
                iterated = true;
                return entries.iterator();
            }

            @Override
            public void close() {
                // the names were read at once; nothing is held open
            }
        };
    }

    // ---- creating, deleting, moving ----

    @Override
    public void createDirectory(Path dir, FileAttribute<?>... attrs) throws IOException {
        LxcPath p = check(dir);
        p.getFileSystem().root().mkdir(p.container(), mode(attrs, DIRECTORY_MODE));
    }

    @Override
    public void createSymbolicLink(Path link, Path target, FileAttribute<?>... attrs) throws IOException {
        LxcPath p = check(link);
        if (attrs.length > 0) {
            throw new UnsupportedOperationException("no attributes for symbolic links");
        }
        p.getFileSystem().root().symlink(p.container(), target.toString());
    }

    @Override
    public void createLink(Path link, Path existing) throws IOException {
        LxcPath p = check(link);
        LxcPath e = check(existing);
        p.getFileSystem().root().link(p.container(), e.container());
    }

    @Override
    public void delete(Path path) throws IOException {
        LxcPath p = check(path);
        p.getFileSystem().root().delete(p.container());
    }

    @Override
    public Path readSymbolicLink(Path link) throws IOException {
        LxcPath p = check(link);
        return p.getFileSystem().getPath(p.getFileSystem().root().readLink(p.container()));
    }

    /** Files (contents, mode), links (as links) and empty directories; inside one file system. */
    @Override
    public void copy(Path source, Path target, CopyOption... options) throws IOException {
        LxcPath from = check(source);
        LxcPath to = check(target);
        List<CopyOption> opts = Arrays.asList(options);
        boolean follow = !opts.contains(LinkOption.NOFOLLOW_LINKS);
        RootDir root = from.getFileSystem().root();
        RootDir.Stat st = root.stat(from.container(), follow);
        if (opts.contains(StandardCopyOption.REPLACE_EXISTING)) {
            deleteIfExists(to);
        }
        switch (st.type()) {
            case DIRECTORY -> root.mkdir(to.container(), st.mode() & 07777);
            case SYMLINK -> root.symlink(to.container(), root.readLink(from.container()));
            case FILE -> {
                try (FileChannel in = root.open(from.container(), Set.of(StandardOpenOption.READ), 0);
                        FileChannel out = root.open(to.container(), Set.of(StandardOpenOption.WRITE,
                                StandardOpenOption.CREATE_NEW), st.mode() & 07777)) {
                    long position = 0;
                    long size = in.size();
                    while (position < size) {
                        long n = in.transferTo(position, size - position, out);
                        if (n <= 0) {
                            break;
                        }
                        position += n;
                    }
                }
            }
            default -> throw new UnsupportedOperationException("cannot copy " + source + ": not a regular file");
        }
    }

    @Override
    public void move(Path source, Path target, CopyOption... options) throws IOException {
        LxcPath from = check(source);
        LxcPath to = check(target);
        boolean replace = Arrays.asList(options).contains(StandardCopyOption.REPLACE_EXISTING);
        from.getFileSystem().root().rename(from.container(), to.container(), replace);
    }

    // ---- attributes ----

    @Override
    public boolean isSameFile(Path path, Path path2) throws IOException {
        if (path.equals(path2)) {
            return true;
        }
        if (!(path2 instanceof LxcPath) || ((LxcPath) path2).getFileSystem() != check(path).getFileSystem()) {
            return false;
        }
        return readAttributes(path, BasicFileAttributes.class).fileKey()
                .equals(readAttributes(path2, BasicFileAttributes.class).fileKey());
    }

    @Override
    public boolean isHidden(Path path) {
        Path name = check(path).getFileName();
        return name != null && name.toString().startsWith(".");
    }

    @Override
    public FileStore getFileStore(Path path) {
        throw new UnsupportedOperationException("no file stores for instance files");
    }

    @Override
    public void checkAccess(Path path, AccessMode... modes) throws IOException {
        LxcPath p = check(path);
        RootDir root = p.getFileSystem().root();
        root.stat(p.container(), true); // exists (NoSuchFileException otherwise)
        for (AccessMode mode : modes) {
            if (mode == AccessMode.READ) {
                root.checkReadable(p.container());
            } else if (mode == AccessMode.WRITE) {
                root.checkWritable(p.container());
            }
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public <V extends FileAttributeView> V getFileAttributeView(Path path, Class<V> type, LinkOption... options) {
        LxcPath p = check(path);
        boolean follow = follow(options);
        if (type == BasicFileAttributeView.class || type == PosixFileAttributeView.class
                || type == FileOwnerAttributeView.class) {
            return (V) new View(p, follow);
        }
        return null;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <A extends BasicFileAttributes> A readAttributes(Path path, Class<A> type, LinkOption... options)
            throws IOException {
        if (type != BasicFileAttributes.class && type != PosixFileAttributes.class) {
            throw new UnsupportedOperationException("attributes " + type.getName());
        }
        return (A) attributes(check(path), follow(options));
    }

    @Override
    public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options)
            throws IOException {
        int colon = attributes.indexOf(':');
        String view = colon < 0 ? "basic" : attributes.substring(0, colon);
        String names = colon < 0 ? attributes : attributes.substring(colon + 1);
        if (!view.equals("basic") && !view.equals("posix") && !view.equals("unix") && !view.equals("owner")) {
            throw new UnsupportedOperationException("view " + view);
        }
        Map<String, Object> all = attributes(check(path), follow(options)).asMap(view.equals("owner") ? "posix"
                : view);
        if (names.equals("*")) {
            return all;
        }
        Map<String, Object> out = new HashMap<>();
        for (String name : names.split(",")) {
            if (name.equals("*")) {
                out.putAll(all);
            } else if (all.containsKey(name)) {
                out.put(name, all.get(name));
            } else {
                throw new IllegalArgumentException("'" + name + "' not recognized in view " + view);
            }
        }
        return out;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void setAttribute(Path path, String attribute, Object value, LinkOption... options) throws IOException {
        LxcPath p = check(path);
        RootDir root = p.getFileSystem().root();
        boolean follow = follow(options);
        int colon = attribute.indexOf(':');
        String name = colon < 0 ? attribute : attribute.substring(colon + 1);
        switch (name) {
            case "lastModifiedTime" -> root.setTimes(p.container(), (FileTime) value, null, follow);
            case "lastAccessTime" -> root.setTimes(p.container(), null, (FileTime) value, follow);
            case "creationTime" -> { } // Linux cannot set it; ignored as the JDK does
            case "permissions" -> root.chmod(p.container(),
                    LxcFileAttributes.mode((Set<PosixFilePermission>) value), follow);
            case "mode" -> root.chmod(p.container(), ((Number) value).intValue(), follow);
            case "owner" -> root.chown(p.container(), id((UserPrincipal) value), -1, follow);
            case "group" -> root.chown(p.container(), -1, id((UserPrincipal) value), follow);
            case "uid" -> root.chown(p.container(), ((Number) value).longValue(), -1, follow);
            case "gid" -> root.chown(p.container(), -1, ((Number) value).longValue(), follow);
            default -> throw new UnsupportedOperationException("cannot set attribute " + attribute);
        }
    }

    // ---- helpers ----

    private static LxcFileAttributes attributes(LxcPath p, boolean follow) throws IOException {
        RootDir root = p.getFileSystem().root();
        return LxcFileAttributes.of(root, root.stat(p.container(), follow));
    }

    private static long id(UserPrincipal principal) throws IOException {
        try {
            return Long.parseLong(principal.getName());
        } catch (NumberFormatException e) {
            throw new java.nio.file.attribute.UserPrincipalNotFoundException(principal.getName());
        }
    }

    private static boolean follow(LinkOption... options) {
        return !Arrays.asList(options).contains(LinkOption.NOFOLLOW_LINKS);
    }

    @SuppressWarnings("unchecked")
    private static int mode(FileAttribute<?>[] attrs, int otherwise) {
        int mode = otherwise;
        for (FileAttribute<?> attr : attrs) {
            if (attr.name().equals("posix:permissions")) {
                mode = LxcFileAttributes.mode((Set<PosixFilePermission>) attr.value());
            } else if (attr.name().equals("unix:mode")) {
                mode = ((Number) attr.value()).intValue() & 07777;
            } else {
                throw new UnsupportedOperationException("attribute " + attr.name() + " at creation");
            }
        }
        return mode;
    }

    private static LxcPath check(Path path) {
        if (!(path instanceof LxcPath p)) {
            throw new ProviderMismatchException("not a path of an instance's file system: " + path);
        }
        return p;
    }

    /** The basic, owner and posix views of one path. */
    private record View(LxcPath path, boolean follow) implements PosixFileAttributeView {

        @Override
        public String name() {
            return "posix";
        }

        @Override
        public PosixFileAttributes readAttributes() throws IOException {
            return attributes(path, follow);
        }

        @Override
        public void setTimes(FileTime lastModifiedTime, FileTime lastAccessTime, FileTime createTime)
                throws IOException {
            path.getFileSystem().root().setTimes(path.container(), lastModifiedTime, lastAccessTime, follow);
        }

        @Override
        public void setPermissions(Set<PosixFilePermission> perms) throws IOException {
            path.getFileSystem().root().chmod(path.container(), LxcFileAttributes.mode(perms), follow);
        }

        @Override
        public void setGroup(GroupPrincipal group) throws IOException {
            path.getFileSystem().root().chown(path.container(), -1, id(group), follow);
        }

        @Override
        public UserPrincipal getOwner() throws IOException {
            return readAttributes().owner();
        }

        @Override
        public void setOwner(UserPrincipal owner) throws IOException {
            path.getFileSystem().root().chown(path.container(), id(owner), -1, follow);
        }
    }

    /** For {@link #copy}: the JDK's {@code deleteIfExists} goes through {@link #delete}. */
    @Override
    public boolean deleteIfExists(Path path) throws IOException {
        try {
            delete(path);
            return true;
        } catch (NoSuchFileException e) {
            return false;
        }
    }
}
