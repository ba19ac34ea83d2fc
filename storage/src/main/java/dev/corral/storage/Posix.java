package dev.corral.storage;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The few file calls java.nio lacks, bound with JNA and kept here: extended attributes of any namespace without
 * following symbolic links ({@code llistxattr}, {@code lgetxattr}, {@code lsetxattr}; java.nio reaches only
 * {@code user.*}), {@code mknod}, {@code renameat2(RENAME_NOREPLACE)}, and owner, mode and times set without
 * opening the file (java.nio opens it, which blocks on a FIFO). Errors come out as {@link IOException}s naming the
 * call, path and errno. Stateless and thread-safe; x86_64 and other LP64 Linux systems (64-bit time_t).
 */
final class Posix {

    /** File type bits of st_mode. */
    static final int S_IFMT = 0170000;
    static final int S_IFSOCK = 0140000;
    static final int S_IFLNK = 0120000;
    static final int S_IFREG = 0100000;
    static final int S_IFBLK = 0060000;
    static final int S_IFDIR = 0040000;
    static final int S_IFCHR = 0020000;
    static final int S_IFIFO = 0010000;

    private static final int ENOENT = 2;
    private static final int EEXIST = 17;
    private static final int EINVAL = 22;
    private static final int ENOTEMPTY = 39;
    private static final int ERANGE = 34;
    private static final int AT_FDCWD = -100;
    private static final int RENAME_NOREPLACE = 1;
    private static final int AT_SYMLINK_NOFOLLOW = 0x100;
    private static final int ENODATA = 61;
    private static final int ENOTSUP = 95;

    /** How the JDK turns path strings into bytes for system calls; JNA must do the same. */
    private static final Charset PATH_CHARSET = pathCharset();

    private interface LibC extends Library {
        LibC INSTANCE = Native.load("c", LibC.class);

        NativeLong llistxattr(byte[] path, byte[] list, NativeLong size) throws LastErrorException;

        NativeLong lgetxattr(byte[] path, byte[] name, byte[] value, NativeLong size) throws LastErrorException;

        int lsetxattr(byte[] path, byte[] name, byte[] value, NativeLong size, int flags) throws LastErrorException;

        int mknod(byte[] path, int mode, long dev) throws LastErrorException;

        int renameat2(int olddirfd, byte[] oldpath, int newdirfd, byte[] newpath, int flags)
                throws LastErrorException;

        int lchown(byte[] path, int uid, int gid) throws LastErrorException;

        int fchmodat(int dirfd, byte[] path, int mode, int flags) throws LastErrorException;

        /** {@code times}: {atime sec, atime nsec, mtime sec, mtime nsec} (a 64-bit time_t and long). */
        int utimensat(int dirfd, byte[] path, long[] times, int flags) throws LastErrorException;
    }

    private Posix() {
    }

    /** The names of the extended attributes of {@code path} (the link itself for a symbolic link). */
    static List<String> listXattrs(Path path) throws IOException {
        byte[] p = bytes(path);
        for (int attempt = 0; attempt < 5; attempt++) {
            try {
                long size = LibC.INSTANCE.llistxattr(p, null, new NativeLong(0)).longValue();
                if (size == 0) {
                    return List.of();
                }
                byte[] buf = new byte[(int) size];
                long n = LibC.INSTANCE.llistxattr(p, buf, new NativeLong(buf.length)).longValue();
                List<String> names = new ArrayList<>();
                int start = 0;
                for (int i = 0; i < n; i++) {
                    if (buf[i] == 0) {
                        if (i > start) {
                            names.add(new String(buf, start, i - start, StandardCharsets.UTF_8));
                        }
                        start = i + 1;
                    }
                }
                return names;
            } catch (LastErrorException e) {
                if (e.getErrorCode() == ENOTSUP) {
                    return List.of();
                }
                if (e.getErrorCode() != ERANGE) {
                    throw failure("llistxattr", path, e);
                }
            }
        }
        throw new IOException("llistxattr " + path + ": the list keeps changing");
    }

    /** The value of one extended attribute, or null if it is not set. */
    static byte[] getXattr(Path path, String name) throws IOException {
        byte[] p = bytes(path);
        byte[] n = cString(name);
        for (int attempt = 0; attempt < 5; attempt++) {
            try {
                long size = LibC.INSTANCE.lgetxattr(p, n, null, new NativeLong(0)).longValue();
                byte[] buf = new byte[(int) size];
                long got = size == 0 ? 0 : LibC.INSTANCE.lgetxattr(p, n, buf, new NativeLong(buf.length)).longValue();
                return got == size ? buf : java.util.Arrays.copyOf(buf, (int) got);
            } catch (LastErrorException e) {
                if (e.getErrorCode() == ENODATA) {
                    return null;
                }
                if (e.getErrorCode() != ERANGE) {
                    throw failure("lgetxattr " + name, path, e);
                }
            }
        }
        throw new IOException("lgetxattr " + name + " " + path + ": the value keeps changing");
    }

    static void setXattr(Path path, String name, byte[] value) throws IOException {
        try {
            LibC.INSTANCE.lsetxattr(bytes(path), cString(name), value, new NativeLong(value.length), 0);
        } catch (LastErrorException e) {
            throw failure("lsetxattr " + name, path, e);
        }
    }

    /** Creates a device node or FIFO; {@code mode} holds the file type ({@link #S_IFCHR}, ...) and permissions. */
    static void mknod(Path path, int mode, int major, int minor) throws IOException {
        try {
            LibC.INSTANCE.mknod(bytes(path), mode, makedev(major, minor));
        } catch (LastErrorException e) {
            throw failure("mknod", path, e);
        }
    }

    /**
     * Renames atomically, failing with {@link FileAlreadyExistsException} if {@code to} exists (even as an empty
     * directory, which plain {@code rename(2)} would silently replace).
     */
    static void renameNoReplace(Path from, Path to) throws IOException {
        try {
            LibC.INSTANCE.renameat2(AT_FDCWD, bytes(from), AT_FDCWD, bytes(to), RENAME_NOREPLACE);
        } catch (LastErrorException e) {
            switch (e.getErrorCode()) {
                case EEXIST, ENOTEMPTY -> throw new FileAlreadyExistsException(to.toString());
                case ENOENT -> throw new NoSuchFileException(from.toString());
                case EINVAL -> {
                    // A file system without RENAME_NOREPLACE: check, then rename.
                    if (Files.exists(to, LinkOption.NOFOLLOW_LINKS)) {
                        throw new FileAlreadyExistsException(to.toString());
                    }
                    Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
                }
                default -> throw failure("rename to " + to, from, e);
            }
        }
    }

    /**
     * The owner of a file, or of a link itself. java.nio's {@code unix:uid} would do, but this sets both ids in one
     * call.
     */
    static void lchown(Path path, long uid, long gid) throws IOException {
        try {
            LibC.INSTANCE.lchown(bytes(path), (int) uid, (int) gid);
        } catch (LastErrorException e) {
            throw failure("lchown", path, e);
        }
    }

    /**
     * Mode bits (with setuid, setgid, sticky) of something that is not a symbolic link, without opening it:
     * java.nio opens the file to change its mode, which blocks on a FIFO and may act on a device.
     */
    static void chmod(Path path, int mode) throws IOException {
        try {
            LibC.INSTANCE.fchmodat(AT_FDCWD, bytes(path), mode & 07777, 0);
        } catch (LastErrorException e) {
            throw failure("chmod", path, e);
        }
    }

    /** Access and modification times of a file or of a link itself, without opening it. */
    static void setTimes(Path path, long seconds, long nanos) throws IOException {
        try {
            LibC.INSTANCE.utimensat(AT_FDCWD, bytes(path), new long[] {seconds, nanos, seconds, nanos},
                    AT_SYMLINK_NOFOLLOW);
        } catch (LastErrorException e) {
            throw failure("utimensat", path, e);
        }
    }

    /** glibc's {@code makedev}. */
    static long makedev(long major, long minor) {
        return ((major & 0xfffff000L) << 32) | ((major & 0xfffL) << 8)
                | ((minor & 0xffffff00L) << 12) | (minor & 0xffL);
    }

    static int major(long dev) {
        return (int) (((dev >>> 32) & 0xfffff000L) | ((dev >>> 8) & 0xfffL));
    }

    static int minor(long dev) {
        return (int) (((dev >>> 12) & 0xffffff00L) | (dev & 0xffL));
    }

    private static IOException failure(String call, Path path, LastErrorException e) {
        return new IOException(call + " " + path + ": errno " + e.getErrorCode());
    }

    private static byte[] bytes(Path path) {
        return cString(path.toString(), PATH_CHARSET);
    }

    private static byte[] cString(String s) {
        return cString(s, StandardCharsets.UTF_8);
    }

    private static byte[] cString(String s, Charset cs) {
        byte[] b = s.getBytes(cs);
        return java.util.Arrays.copyOf(b, b.length + 1);
    }

    private static Charset pathCharset() {
        String name = System.getProperty("sun.jnu.encoding");
        try {
            return name == null ? Charset.defaultCharset() : Charset.forName(name);
        } catch (IllegalArgumentException e) {
            return Charset.defaultCharset();
        }
    }
}
