package dev.corral.container.lxc;

import com.sun.jna.LastErrorException;
import dev.corral.container.lxc.FileSyscalls.Lib;
import dev.corral.instance.IdMap;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.lang.ref.Cleaner;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A container's root directory, held open, and every file operation inside it. Each path is resolved by the kernel
 * with {@code openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS)} from the root's descriptor, so {@code ..}, absolute
 * and relative symbolic links, and links swapped in while a call runs all stay inside; operations then work on the
 * descriptors resolved ({@code *at} calls, {@code AT_EMPTY_PATH}), never on a host path. Contents are read and
 * written through {@code /proc/self/fd/<n>} of such a descriptor: a reopening of the very inode resolved.
 *
 * <p>Ids: {@code idMap} (null when privileged) maps the container's ids to the host's; what is created is owned by
 * the container's root. Access is the container root's: an inode whose owner or group is not mapped (a hard link to
 * a host file) is only as accessible as its permission bits make it for a stranger, and cannot be changed.
 *
 * <p>Paths given here are absolute, lexically normalised container paths ({@code /a/b}). Thread-safe: the only
 * state is the root descriptor, closed once by {@link #close()} (or by a {@link Cleaner} if forgotten).
 */
final class RootDir implements AutoCloseable {

    private static final Lib LIB = Lib.INSTANCE;
    private static final Cleaner CLEANER = Cleaner.create();
    private static final int ATTEMPTS = 16;
    /** The kernel's overflow id: what an unmapped owner looks like inside a user namespace. */
    static final long OVERFLOW_ID = 65534;

    /** What a path is. */
    enum Type { FILE, DIRECTORY, SYMLINK, OTHER }

    /** {@code statx} of one inode, with host ids. */
    record Stat(int mode, long uid, long gid, long size, int nlink, long ino, long dev, long rdev, FileTime atime,
            FileTime mtime, FileTime ctime, FileTime btime) {

        Type type() {
            return switch (mode & FileSyscalls.S_IFMT) {
                case FileSyscalls.S_IFREG -> Type.FILE;
                case FileSyscalls.S_IFDIR -> Type.DIRECTORY;
                case FileSyscalls.S_IFLNK -> Type.SYMLINK;
                default -> Type.OTHER;
            };
        }
    }

    /** A descriptor; closed by try-with-resources. */
    private record Fd(int fd) implements AutoCloseable {
        @Override
        public void close() {
            closeQuietly(fd);
        }

        String proc() {
            return "/proc/self/fd/" + fd;
        }
    }

    private final int root;
    private final Path hostPath;
    private final IdMap idMap;
    private final Cleaner.Cleanable cleanable;

    private RootDir(int root, Path hostPath, IdMap idMap) {
        this.root = root;
        this.hostPath = hostPath;
        this.idMap = idMap;
        this.cleanable = CLEANER.register(this, () -> closeQuietly(root));
    }

    /** Opens {@code dir} (a host path the daemon trusts) as a root; {@code idMap} null for a privileged container. */
    static RootDir open(Path dir, IdMap idMap) throws IOException {
        String path = dir.toAbsolutePath().toString();
        try {
            int fd = LIB.open(path, FileSyscalls.O_PATH | FileSyscalls.O_DIRECTORY | FileSyscalls.O_NOFOLLOW
                    | FileSyscalls.O_CLOEXEC, 0);
            return new RootDir(fd, dir, idMap);
        } catch (LastErrorException e) {
            throw error(e, "/", "cannot open the root filesystem " + path);
        }
    }

    @Override
    public void close() {
        cleanable.clean();
    }

    Path hostPath() {
        return hostPath;
    }

    // ---- ids ----

    /** The container's view of a host uid ({@value #OVERFLOW_ID} when unmapped). */
    long containerUid(long hostUid) {
        if (idMap == null) {
            return hostUid;
        }
        long uid = hostUid - idMap.hostUid();
        return uid >= 0 && uid < idMap.size() ? uid : OVERFLOW_ID;
    }

    long containerGid(long hostGid) {
        if (idMap == null) {
            return hostGid;
        }
        long gid = hostGid - idMap.hostGid();
        return gid >= 0 && gid < idMap.size() ? gid : OVERFLOW_ID;
    }

    private int hostUid(long uid, String path) throws FileSystemException {
        long host = idMap == null ? uid : idMap.toHostUid(uid);
        if (uid < 0 || host < 0 || host > 0xfffffffeL) {
            throw new FileSystemException(path, null, "uid " + uid + " is not mapped in the instance");
        }
        return (int) host;
    }

    private int hostGid(long gid, String path) throws FileSystemException {
        long host = idMap == null ? gid : idMap.toHostGid(gid);
        if (gid < 0 || host < 0 || host > 0xfffffffeL) {
            throw new FileSystemException(path, null, "gid " + gid + " is not mapped in the instance");
        }
        return (int) host;
    }

    private boolean mapped(Stat st) {
        return idMap == null || containerUid(st.uid()) != OVERFLOW_ID && containerGid(st.gid()) != OVERFLOW_ID;
    }

    /**
     * Whether the container's root may {@code want} (4 read, 2 write, 1 search) this inode: always when its owner
     * and group are mapped (root's capabilities apply inside its namespace), else by the permission bits it would
     * match as a stranger.
     */
    private void checkAccess(Stat st, int want, String path) throws AccessDeniedException {
        if (mapped(st)) {
            return;
        }
        int bits;
        if (st.uid() == idMap.hostUid()) {
            bits = st.mode() >> 6;
        } else if (st.gid() == idMap.hostGid()) {
            bits = st.mode() >> 3;
        } else {
            bits = st.mode();
        }
        if ((bits & want) != want) {
            throw new AccessDeniedException(path, null, "not accessible to the instance's root (owner not mapped)");
        }
    }

    /** Changing an inode (owner, mode, times, links) needs its owner and group mapped. */
    private void checkOwner(Stat st, String path) throws AccessDeniedException {
        if (!mapped(st)) {
            throw new AccessDeniedException(path, null, "owned outside the instance (owner not mapped)");
        }
    }

    // ---- reading ----

    Stat stat(String path, boolean follow) throws IOException {
        try (Fd fd = resolve(path, follow, false)) {
            return stat(fd, path);
        }
    }

    /** Whether the container's root may read {@code path} (links followed); AccessDeniedException if not. */
    void checkReadable(String path) throws IOException {
        try (Fd fd = resolve(path, true, false)) {
            checkAccess(stat(fd, path), 4, path);
        }
    }

    void checkWritable(String path) throws IOException {
        try (Fd fd = resolve(path, true, false)) {
            checkAccess(stat(fd, path), 2, path);
        }
    }

    /** The target of symbolic link {@code path}, as stored. */
    String readLink(String path) throws IOException {
        try (Fd fd = resolve(path, false, false)) {
            byte[] buf = new byte[4096];
            long n;
            try {
                n = LIB.readlinkat(fd.fd(), "", buf, buf.length);
            } catch (LastErrorException e) {
                if (e.getErrorCode() == 22) { // EINVAL: not a link
                    throw new NotLinkException(path);
                }
                throw error(e, path, null);
            }
            return new String(buf, 0, (int) n, StandardCharsets.UTF_8);
        }
    }

    /** The names in directory {@code path} (following a final link), without {@code .} and {@code ..}. */
    List<String> list(String path) throws IOException {
        try (Fd fd = resolve(path, true, true)) {
            Stat st = stat(fd, path);
            checkAccess(st, 4, path);
            List<String> names = new ArrayList<>();
            // opendir of the magic link reopens exactly this directory; the names are only names.
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(Path.of(fd.proc()))) {
                for (Path entry : entries) {
                    names.add(entry.getFileName().toString());
                }
            }
            return names;
        }
    }

    /** The canonical path: links followed (inside), as the container names it. */
    String realPath(String path) throws IOException {
        try (Fd fd = resolve(path, true, false)) {
            String rootHost = procLink(root);
            String host = procLink(fd.fd());
            if (host.equals(rootHost)) {
                return "/";
            }
            if (!host.startsWith(rootHost + "/")) {
                throw new FileSystemException(path, null, "cannot name the real path inside the instance");
            }
            return host.substring(rootHost.length());
        }
    }

    // ---- contents ----

    /**
     * A channel on regular file {@code path}. {@code options} as {@link Files#newByteChannel} takes them; a created
     * file gets {@code mode} and the container root as owner.
     */
    FileChannel open(String path, Set<? extends OpenOption> options, int mode) throws IOException {
        boolean write = options.contains(StandardOpenOption.WRITE) || options.contains(StandardOpenOption.APPEND);
        boolean createNew = write && options.contains(StandardOpenOption.CREATE_NEW);
        boolean create = write && (createNew || options.contains(StandardOpenOption.CREATE));
        boolean follow = !options.contains(java.nio.file.LinkOption.NOFOLLOW_LINKS);
        Set<OpenOption> reopen = new HashSet<>(options);
        reopen.remove(StandardOpenOption.CREATE);
        reopen.remove(StandardOpenOption.CREATE_NEW);
        reopen.remove(java.nio.file.LinkOption.NOFOLLOW_LINKS);
        if (create) {
            Fd created = createFile(path, mode, !createNew);
            // As open(2): a dangling link is followed and its target created (inside the root, as all else).
            for (int hops = 0; created == null && follow && !createNew && hops < 40; hops++) {
                String target = danglingTarget(path);
                if (target == null) {
                    break;
                }
                path = target;
                created = createFile(path, mode, true);
            }
            if (created != null) {
                try (Fd fd = created) {
                    reopen.remove(StandardOpenOption.TRUNCATE_EXISTING); // empty already
                    return FileChannel.open(Path.of(fd.proc()), reopen);
                }
            }
        }
        try (Fd fd = resolve(path, follow, false)) {
            Stat st = stat(fd, path);
            if (st.type() == Type.DIRECTORY && write) {
                throw new FileSystemException(path, null, "Is a directory");
            }
            // A directory opens for reading, as with open(2) (SFTP clients open before they stat); reads fail.
            if (st.type() != Type.FILE && st.type() != Type.DIRECTORY) {
                throw new AccessDeniedException(path, null, "not a regular file");
            }
            checkAccess(st, (options.contains(StandardOpenOption.READ) || !write ? 4 : 0) | (write ? 2 : 0), path);
            return FileChannel.open(Path.of(fd.proc()), reopen);
        }
    }

    /**
     * When {@code path} is a link whose target does not exist: that target as a container path (a relative one
     * taken from the link's directory); else null.
     */
    private String danglingTarget(String path) throws IOException {
        try (Fd fd = resolve(path, true, false)) {
            return null; // the target exists
        } catch (NoSuchFileException e) {
            String target;
            try {
                target = readLink(path);
            } catch (NotLinkException | NoSuchFileException notALink) {
                return null;
            }
            String base = path.substring(0, path.lastIndexOf('/') + 1);
            return normalize(target.startsWith("/") ? target : base + target);
        }
    }

    /** Lexical normalisation to an absolute path ({@code ..} of the root is the root). */
    static String normalize(String path) {
        java.util.ArrayDeque<String> names = new java.util.ArrayDeque<>();
        for (String name : path.split("/")) {
            if (name.isEmpty() || name.equals(".")) {
                continue;
            }
            if (name.equals("..")) {
                names.pollLast();
            } else {
                names.addLast(name);
            }
        }
        return "/" + String.join("/", names);
    }

    /** Creates regular file {@code path}: its descriptor, or null if it exists and {@code mayExist}. */
    private Fd createFile(String path, int mode, boolean mayExist) throws IOException {
        Named named = parent(path);
        try (Fd dir = named.dir) {
            checkAccess(stat(dir, named.parent), 3, named.parent);
            int fd;
            try {
                fd = openat2(dir.fd(), named.name, FileSyscalls.O_CREAT | FileSyscalls.O_EXCL | FileSyscalls.O_RDWR
                        | FileSyscalls.O_NOFOLLOW | FileSyscalls.O_NONBLOCK | FileSyscalls.O_NOCTTY
                        | FileSyscalls.O_CLOEXEC, 0600, FileSyscalls.RESOLVE_IN_ROOT);
            } catch (LastErrorException e) {
                if (e.getErrorCode() == 17 && mayExist) { // EEXIST
                    return null;
                }
                throw error(e, path, null);
            }
            Fd created = new Fd(fd);
            try {
                LIB.fchownat(fd, "", hostUid(0, path), hostGid(0, path), FileSyscalls.AT_EMPTY_PATH);
                LIB.chmod(created.proc(), mode & 07777);
                return created;
            } catch (LastErrorException | IOException e) {
                created.close();
                throw e instanceof LastErrorException le ? error(le, path, null) : (IOException) e;
            }
        }
    }

    // ---- changing ----

    /** Creates directory {@code path} with {@code mode}, owned by the container's root. */
    void mkdir(String path, int mode) throws IOException {
        if (path.equals("/")) {
            throw new FileAlreadyExistsException(path);
        }
        Named named = parent(path);
        try (Fd dir = named.dir) {
            checkAccess(stat(dir, named.parent), 3, named.parent);
            try {
                LIB.mkdirat(dir.fd(), named.name, 0700);
            } catch (LastErrorException e) {
                throw error(e, path, null);
            }
            // O_NOFOLLOW | O_DIRECTORY: whatever the container swapped in meanwhile is refused, not changed.
            try (Fd created = new Fd(openat2(dir.fd(), named.name, FileSyscalls.O_RDONLY | FileSyscalls.O_DIRECTORY
                    | FileSyscalls.O_NOFOLLOW | FileSyscalls.O_CLOEXEC, 0, FileSyscalls.RESOLVE_IN_ROOT))) {
                LIB.fchownat(created.fd(), "", hostUid(0, path), hostGid(0, path), FileSyscalls.AT_EMPTY_PATH);
                LIB.chmod(created.proc(), mode & 07777);
            } catch (LastErrorException e) {
                throw error(e, path, null);
            }
        }
    }

    /** Creates symbolic link {@code path} pointing to {@code target} (stored as given), owned by container root. */
    void symlink(String path, String target) throws IOException {
        if (path.equals("/")) {
            throw new FileAlreadyExistsException(path);
        }
        if (target.isEmpty() || target.indexOf('\0') >= 0) {
            throw new FileSystemException(path, target, "invalid link target");
        }
        Named named = parent(path);
        try (Fd dir = named.dir) {
            checkAccess(stat(dir, named.parent), 3, named.parent);
            try {
                LIB.symlinkat(target, dir.fd(), named.name);
                LIB.fchownat(dir.fd(), named.name, hostUid(0, path), hostGid(0, path),
                        FileSyscalls.AT_SYMLINK_NOFOLLOW);
            } catch (LastErrorException e) {
                throw error(e, path, null);
            }
        }
    }

    /** Hard link {@code path} to the existing {@code existing} (a final link not followed). */
    void link(String path, String existing) throws IOException {
        Named named = parent(path);
        try (Fd dir = named.dir; Fd source = resolve(existing, false, false)) {
            checkAccess(stat(dir, named.parent), 3, named.parent);
            checkOwner(stat(source, existing), existing);
            try {
                LIB.linkat(source.fd(), "", dir.fd(), named.name, FileSyscalls.AT_EMPTY_PATH);
            } catch (LastErrorException e) {
                throw error(e, path, null);
            }
        }
    }

    /** Deletes a file, link or empty directory (a final link itself, not its target). */
    void delete(String path) throws IOException {
        if (path.equals("/")) {
            throw new AccessDeniedException(path, null, "cannot delete the instance's root");
        }
        Named named = parent(path);
        try (Fd dir = named.dir) {
            checkAccess(stat(dir, named.parent), 3, named.parent);
            int flags;
            try (Fd fd = new Fd(openat2(dir.fd(), named.name, FileSyscalls.O_PATH | FileSyscalls.O_NOFOLLOW
                    | FileSyscalls.O_CLOEXEC, 0, FileSyscalls.RESOLVE_IN_ROOT))) {
                flags = stat(fd, path).type() == Type.DIRECTORY ? FileSyscalls.AT_REMOVEDIR : 0;
            } catch (LastErrorException e) {
                throw error(e, path, null);
            }
            try {
                LIB.unlinkat(dir.fd(), named.name, flags);
            } catch (LastErrorException e) {
                throw error(e, path, null);
            }
        }
    }

    /** Renames {@code from} to {@code to}; an existing {@code to} is replaced only when {@code replace}. */
    void rename(String from, String to, boolean replace) throws IOException {
        if (from.equals("/") || to.equals("/")) {
            throw new AccessDeniedException(from, to, "cannot rename the instance's root");
        }
        Named source = parent(from);
        try (Fd sourceDir = source.dir) {
            Named target = parent(to);
            try (Fd targetDir = target.dir) {
                checkAccess(stat(sourceDir, source.parent), 3, source.parent);
                checkAccess(stat(targetDir, target.parent), 3, target.parent);
                LIB.renameat2(sourceDir.fd(), source.name, targetDir.fd(), target.name,
                        replace ? 0 : FileSyscalls.RENAME_NOREPLACE);
            } catch (LastErrorException e) {
                throw error(e, from, to);
            }
        }
    }

    /** Changes owner and/or group (container ids; -1 leaves one unchanged). */
    void chown(String path, long uid, long gid, boolean follow) throws IOException {
        try (Fd fd = resolve(path, follow, false)) {
            checkOwner(stat(fd, path), path);
            try {
                LIB.fchownat(fd.fd(), "", uid < 0 ? -1 : hostUid(uid, path), gid < 0 ? -1 : hostGid(gid, path),
                        FileSyscalls.AT_EMPTY_PATH);
            } catch (LastErrorException e) {
                throw error(e, path, null);
            }
        }
    }

    /** Changes the permission bits (a link's own bits cannot change: a final link is then left alone). */
    void chmod(String path, int mode, boolean follow) throws IOException {
        try (Fd fd = resolve(path, follow, false)) {
            Stat st = stat(fd, path);
            checkOwner(st, path);
            if (st.type() == Type.SYMLINK) {
                return;
            }
            try {
                LIB.chmod(fd.proc(), mode & 07777);
            } catch (LastErrorException e) {
                throw error(e, path, null);
            }
        }
    }

    /** Sets modification and/or access time (null leaves one unchanged); a final link itself is left alone. */
    void setTimes(String path, FileTime modified, FileTime accessed, boolean follow) throws IOException {
        try (Fd fd = resolve(path, follow, false)) {
            Stat st = stat(fd, path);
            checkOwner(st, path);
            if (st.type() == Type.SYMLINK) {
                return;
            }
            FileSyscalls.timespec[] times = (FileSyscalls.timespec[]) new FileSyscalls.timespec().toArray(2);
            set(times[0], accessed);
            set(times[1], modified);
            try {
                LIB.utimensat(FileSyscalls.AT_FDCWD, fd.proc(), times, 0);
            } catch (LastErrorException e) {
                throw error(e, path, null);
            }
        }
    }

    private static void set(FileSyscalls.timespec ts, FileTime time) {
        if (time == null) {
            ts.tv_sec = 0;
            ts.tv_nsec = (1L << 30) - 2; // UTIME_OMIT
        } else {
            long nanos = time.to(TimeUnit.NANOSECONDS);
            ts.tv_sec = Math.floorDiv(nanos, 1_000_000_000L);
            ts.tv_nsec = Math.floorMod(nanos, 1_000_000_000L);
        }
        ts.write();
    }

    // ---- resolution ----

    /** A parent directory, resolved, and the last name of a path. */
    private record Named(Fd dir, String parent, String name) {
    }

    private Named parent(String path) throws IOException {
        int slash = path.lastIndexOf('/');
        String name = path.substring(slash + 1);
        String parent = slash <= 0 ? "/" : path.substring(0, slash);
        if (name.isEmpty() || name.equals(".") || name.equals("..")) {
            throw new FileSystemException(path, null, "invalid name");
        }
        return new Named(resolve(parent, true, true), parent, name);
    }

    /** An {@code O_PATH} descriptor of {@code path} inside the root; a final link followed when {@code follow}. */
    private Fd resolve(String path, boolean follow, boolean directory) throws IOException {
        int flags = FileSyscalls.O_PATH | FileSyscalls.O_CLOEXEC | (follow ? 0 : FileSyscalls.O_NOFOLLOW)
                | (directory ? FileSyscalls.O_DIRECTORY : 0);
        try {
            return new Fd(openat2(root, path, flags, 0, FileSyscalls.RESOLVE_IN_ROOT));
        } catch (LastErrorException e) {
            if (e.getErrorCode() == 20 && directory) { // ENOTDIR
                throw new NotDirectoryException(path);
            }
            throw error(e, path, null);
        }
    }

    /** openat2 with RESOLVE_NO_MAGICLINKS added, retried while the kernel reports a concurrent rename (EAGAIN). */
    private static int openat2(int dirfd, String path, int flags, int mode, long resolve) {
        FileSyscalls.open_how how = new FileSyscalls.open_how();
        how.flags = flags;
        how.mode = mode;
        how.resolve = resolve | FileSyscalls.RESOLVE_NO_MAGICLINKS;
        for (int attempt = 1; ; attempt++) {
            try {
                return LIB.syscall(FileSyscalls.SYS_OPENAT2, dirfd, path, how, how.size());
            } catch (LastErrorException e) {
                if (e.getErrorCode() != 11 || attempt >= ATTEMPTS) { // EAGAIN
                    throw e;
                }
            }
        }
    }

    private Stat stat(Fd fd, String path) throws IOException {
        FileSyscalls.statx st = new FileSyscalls.statx();
        try {
            LIB.statx(fd.fd(), "", FileSyscalls.AT_EMPTY_PATH | FileSyscalls.AT_SYMLINK_NOFOLLOW,
                    FileSyscalls.STATX_BASIC_STATS, st);
        } catch (LastErrorException e) {
            throw error(e, path, null);
        }
        return new Stat(st.stx_mode & 0xffff, st.stx_uid & 0xffffffffL, st.stx_gid & 0xffffffffL, st.stx_size,
                st.stx_nlink, st.stx_ino, ((long) st.stx_dev_major << 32) | (st.stx_dev_minor & 0xffffffffL),
                ((long) st.stx_rdev_major << 32) | (st.stx_rdev_minor & 0xffffffffL), time(st.stx_atime),
                time(st.stx_mtime), time(st.stx_ctime), time(st.stx_btime));
    }

    private static FileTime time(FileSyscalls.statx_timestamp t) {
        return FileTime.from(t.tv_sec * 1_000_000_000L + t.tv_nsec, TimeUnit.NANOSECONDS);
    }

    private static String procLink(int fd) throws IOException {
        byte[] buf = new byte[8192];
        try {
            long n = LIB.readlink("/proc/self/fd/" + fd, buf, buf.length);
            return new String(buf, 0, (int) n, StandardCharsets.UTF_8);
        } catch (LastErrorException e) {
            throw error(e, "/proc/self/fd/" + fd, null);
        }
    }

    private static void closeQuietly(int fd) {
        try {
            LIB.close(fd);
        } catch (LastErrorException e) {
            // EBADF or EINTR: the descriptor is gone either way
        }
    }

    /** errno as the {@code java.nio.file} exception the JDK itself would throw. */
    static IOException error(LastErrorException e, String path, String other) {
        int errno = e.getErrorCode();
        return switch (errno) {
            case 2 -> new NoSuchFileException(path, other, null);
            case 1, 13 -> new AccessDeniedException(path, other, null);
            case 17 -> new FileAlreadyExistsException(path, other, null);
            case 39 -> new DirectoryNotEmptyException(path);
            default -> new FileSystemException(path, other, reason(errno, e));
        };
    }

    private static String reason(int errno, LastErrorException e) {
        return switch (errno) {
            case 20 -> "Not a directory";
            case 21 -> "Is a directory";
            case 22 -> "Invalid argument";
            case 28 -> "No space left on device";
            case 30 -> "Read-only file system";
            case 36 -> "File name too long";
            case 40 -> "Too many levels of symbolic links";
            case 18 -> "Invalid cross-device link";
            default -> "errno " + errno + " (" + e.getMessage() + ")";
        };
    }
}
