package dev.corral.hypervisor.kvm;

import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessMode;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileAttributeView;
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
 * The operations of an {@link AgentFileSystem}: metadata and directories through small programs in the guest
 * ({@code stat}, {@code ls}, {@code mkdir}, {@code rm}, {@code ln}, {@code chmod}, {@code chown}, {@code mv},
 * {@code cp}), contents through {@code guest-file-*} into memory ({@link MemoryFileChannel}, up to
 * {@link #MAX_FILE} per file). Times cannot be set (ignored).
 */
final class AgentFileSystemProvider extends FileSystemProvider {

    /** The largest file read or written through the agent in one piece. */
    static final long MAX_FILE = 256L << 20;

    private final AgentFileSystem fs;

    AgentFileSystemProvider(AgentFileSystem fs) {
        this.fs = fs;
    }

    private GuestCommands guest() {
        return fs.guest();
    }

    private static String p(Path path) {
        return AgentPath.check(path).guestPath();
    }

    AgentFileAttributes stat(Path path, boolean follow) throws IOException {
        String guestPath = p(path);
        GuestCommands.Result r = follow
                ? guest().check(guestPath, "stat", "-L", "-c", AgentFileAttributes.STAT_FORMAT, "--", guestPath)
                : guest().check(guestPath, "stat", "-c", AgentFileAttributes.STAT_FORMAT, "--", guestPath);
        return AgentFileAttributes.parse(r.stdout());
    }

    Path realPath(AgentPath path) throws IOException {
        String guestPath = path.guestPath();
        return fs.getPath(guest().check(guestPath, "readlink", "-f", "--", guestPath).stdout().trim());
    }

    @Override
    public String getScheme() {
        return "corral-vm";
    }

    @Override
    public FileSystem newFileSystem(URI uri, Map<String, ?> env) {
        throw new UnsupportedOperationException("open through the driver's InstanceFiles");
    }

    @Override
    public FileSystem getFileSystem(URI uri) {
        throw new UnsupportedOperationException("open through the driver's InstanceFiles");
    }

    @Override
    public Path getPath(URI uri) {
        throw new UnsupportedOperationException("paths inside a VM have no URI");
    }

    @Override
    public SeekableByteChannel newByteChannel(Path path, Set<? extends OpenOption> options,
            FileAttribute<?>... attrs) throws IOException {
        return newFileChannel(path, options, attrs);
    }

    @Override
    public FileChannel newFileChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
            throws IOException {
        String guestPath = p(path);
        boolean write = options.contains(StandardOpenOption.WRITE) || options.contains(StandardOpenOption.APPEND);
        boolean append = options.contains(StandardOpenOption.APPEND);
        AgentFileAttributes existing;
        try {
            existing = stat(path, true);
        } catch (NoSuchFileException e) {
            existing = null;
        }
        if (existing != null && existing.isDirectory()) {
            throw new FileSystemException(guestPath, null, "Is a directory");
        }
        if (existing != null && !existing.isRegularFile()) {
            throw new FileSystemException(guestPath, null, "not a regular file");
        }
        if (!write) {
            if (existing == null) {
                throw new NoSuchFileException(guestPath);
            }
            return new MemoryFileChannel(guest().read(guestPath, MAX_FILE), false, false, false, c -> { });
        }
        if (existing != null && options.contains(StandardOpenOption.CREATE_NEW)) {
            throw new FileAlreadyExistsException(guestPath);
        }
        boolean create = options.contains(StandardOpenOption.CREATE)
                || options.contains(StandardOpenOption.CREATE_NEW);
        if (existing == null && !create) {
            throw new NoSuchFileException(guestPath);
        }
        boolean truncate = options.contains(StandardOpenOption.TRUNCATE_EXISTING) || existing == null;
        byte[] initial = truncate ? new byte[0] : guest().read(guestPath, MAX_FILE);
        if (existing == null) {
            guest().write(guestPath, new byte[0], false); // the file exists from now on, as with open(2)
            int mode = mode(attrs);
            if (mode >= 0) {
                guest().check(guestPath, "chmod", Integer.toOctalString(mode), "--", guestPath);
            }
        }
        return new MemoryFileChannel(initial, true, append, truncate && existing != null,
                content -> guest().write(guestPath, content, false));
    }

    @Override
    public DirectoryStream<Path> newDirectoryStream(Path dir, DirectoryStream.Filter<? super Path> filter)
            throws IOException {
        String guestPath = p(dir);
        if (!stat(dir, true).isDirectory()) {
            throw new java.nio.file.NotDirectoryException(guestPath);
        }
        List<Path> entries = new ArrayList<>();
        for (String name : guest().check(guestPath, "ls", "-1A", "--", guestPath).stdout().split("\n")) {
            if (!name.isEmpty()) {
                Path entry = dir.resolve(name);
                if (filter == null || filter.accept(entry)) {
                    entries.add(entry);
                }
            }
        }
        return new DirectoryStream<>() {
            @Override
            public Iterator<Path> iterator() {
                return entries.iterator();
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public void createDirectory(Path dir, FileAttribute<?>... attrs) throws IOException {
        String guestPath = p(dir);
        int mode = mode(attrs);
        if (mode >= 0) {
            guest().check(guestPath, "mkdir", "-m", Integer.toOctalString(mode), "--", guestPath);
        } else {
            guest().check(guestPath, "mkdir", "--", guestPath);
        }
    }

    @Override
    public void createSymbolicLink(Path link, Path target, FileAttribute<?>... attrs) throws IOException {
        if (attrs.length > 0) {
            throw new UnsupportedOperationException("attributes on a symbolic link");
        }
        String guestPath = p(link);
        guest().check(guestPath, "ln", "-s", "--", target.toString(), guestPath);
    }

    @Override
    public void delete(Path path) throws IOException {
        String guestPath = p(path);
        if (stat(path, false).isDirectory()) {
            guest().check(guestPath, "rmdir", "--", guestPath);
        } else {
            guest().check(guestPath, "rm", "-f", "--", guestPath);
        }
    }

    @Override
    public Path readSymbolicLink(Path link) throws IOException {
        String guestPath = p(link);
        if (!stat(link, false).isSymbolicLink()) {
            throw new java.nio.file.NotLinkException(guestPath);
        }
        String target = guest().check(guestPath, "readlink", "--", guestPath).stdout();
        return fs.getPath(target.endsWith("\n") ? target.substring(0, target.length() - 1) : target);
    }

    @Override
    public void copy(Path source, Path target, CopyOption... options) throws IOException {
        transfer("cp", source, target, options);
    }

    @Override
    public void move(Path source, Path target, CopyOption... options) throws IOException {
        transfer("mv", source, target, options);
    }

    private void transfer(String program, Path source, Path target, CopyOption... options) throws IOException {
        String to = p(target);
        stat(source, false);
        if (!Arrays.asList(options).contains(StandardCopyOption.REPLACE_EXISTING)) {
            try {
                stat(target, false);
                throw new FileAlreadyExistsException(to);
            } catch (NoSuchFileException e) {
                // free
            }
        }
        guest().check(p(source), program, "-f", "--", p(source), to);
    }

    @Override
    public boolean isSameFile(Path path, Path path2) throws IOException {
        return path.equals(path2) || stat(path, true).ino() == stat(path2, true).ino();
    }

    @Override
    public boolean isHidden(Path path) {
        Path name = path.getFileName();
        return name != null && name.toString().startsWith(".");
    }

    @Override
    public FileStore getFileStore(Path path) {
        throw new UnsupportedOperationException("no file store information inside a VM");
    }

    @Override
    public void checkAccess(Path path, AccessMode... modes) throws IOException {
        stat(path, true); // the agent runs as root: what exists can be used
    }

    @Override
    @SuppressWarnings("unchecked")
    public <V extends FileAttributeView> V getFileAttributeView(Path path, Class<V> type, LinkOption... options) {
        if (type != PosixFileAttributeView.class && type != BasicFileAttributeView.class
                && type != java.nio.file.attribute.FileOwnerAttributeView.class) {
            return null;
        }
        boolean follow = follow(options);
        return (V) new PosixFileAttributeView() {
            @Override
            public String name() {
                return "posix";
            }

            @Override
            public PosixFileAttributes readAttributes() throws IOException {
                return stat(path, follow);
            }

            @Override
            public void setTimes(FileTime lastModifiedTime, FileTime lastAccessTime, FileTime createTime) {
                // not through the agent: ignored
            }

            @Override
            public void setPermissions(Set<PosixFilePermission> perms) throws IOException {
                setAttribute(path, "posix:permissions", perms, options);
            }

            @Override
            public void setGroup(GroupPrincipal group) throws IOException {
                setAttribute(path, "posix:group", group, options);
            }

            @Override
            public UserPrincipal getOwner() throws IOException {
                return stat(path, follow).owner();
            }

            @Override
            public void setOwner(UserPrincipal owner) throws IOException {
                setAttribute(path, "posix:owner", owner, options);
            }
        };
    }

    @Override
    @SuppressWarnings("unchecked")
    public <A extends BasicFileAttributes> A readAttributes(Path path, Class<A> type, LinkOption... options)
            throws IOException {
        if (type != BasicFileAttributes.class && type != PosixFileAttributes.class) {
            throw new UnsupportedOperationException("attributes " + type.getName());
        }
        return (A) stat(path, follow(options));
    }

    @Override
    public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options)
            throws IOException {
        int colon = attributes.indexOf(':');
        String view = colon < 0 ? "basic" : attributes.substring(0, colon);
        String names = colon < 0 ? attributes : attributes.substring(colon + 1);
        if (!fs.supportedFileAttributeViews().contains(view)) {
            throw new UnsupportedOperationException("view " + view);
        }
        Map<String, Object> all = stat(path, follow(options)).asMap(view.equals("owner") ? "posix" : view);
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
        String guestPath = p(path);
        String name = attribute.substring(attribute.indexOf(':') + 1);
        boolean follow = follow(options);
        switch (name) {
            case "lastModifiedTime", "lastAccessTime", "creationTime" -> { } // not through the agent
            case "permissions" -> chmod(guestPath, AgentFileAttributes.mode((Set<PosixFilePermission>) value));
            case "mode" -> chmod(guestPath, ((Number) value).intValue() & 07777);
            case "owner" -> chown(guestPath, ((UserPrincipal) value).getName(), follow);
            case "group" -> chown(guestPath, ":" + ((UserPrincipal) value).getName(), follow);
            case "uid" -> chown(guestPath, Long.toString(((Number) value).longValue()), follow);
            case "gid" -> chown(guestPath, ":" + ((Number) value).longValue(), follow);
            default -> throw new UnsupportedOperationException("cannot set attribute " + attribute);
        }
    }

    private void chmod(String guestPath, int mode) throws IOException {
        guest().check(guestPath, "chmod", Integer.toOctalString(mode), "--", guestPath);
    }

    private void chown(String guestPath, String owner, boolean follow) throws IOException {
        if (follow) {
            guest().check(guestPath, "chown", "--", owner, guestPath);
        } else {
            guest().check(guestPath, "chown", "-h", "--", owner, guestPath);
        }
    }

    @SuppressWarnings("unchecked")
    private static int mode(FileAttribute<?>[] attrs) {
        int mode = -1;
        for (FileAttribute<?> attr : attrs) {
            if (attr.name().equals("posix:permissions")) {
                mode = AgentFileAttributes.mode((Set<PosixFilePermission>) attr.value());
            } else if (attr.name().equals("unix:mode")) {
                mode = ((Number) attr.value()).intValue() & 07777;
            } else {
                throw new UnsupportedOperationException("attribute " + attr.name() + " at creation");
            }
        }
        return mode;
    }

    private static boolean follow(LinkOption... options) {
        return !Arrays.asList(options).contains(LinkOption.NOFOLLOW_LINKS);
    }
}
