package dev.corral.container.lxc;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Structure;
import java.util.Map;

/**
 * Raw JNA mappings of the file calls that resolve paths inside a container's root: {@code openat2(2)} (through
 * {@code syscall(2)}: glibc 2.36 has no wrapper) and the {@code *at} family working from the descriptors it returns.
 * Every function reports failure by throwing {@link LastErrorException} with errno; {@link RootDir} is the only user
 * and turns errno into {@code java.nio.file} exceptions. x86_64 numbers and layouts.
 */
final class FileSyscalls {

    private FileSyscalls() {
    }

    static final long SYS_OPENAT2 = 437;

    static final int O_RDONLY = 0;
    static final int O_WRONLY = 01;
    static final int O_RDWR = 02;
    static final int O_CREAT = 0100;
    static final int O_EXCL = 0200;
    static final int O_NOCTTY = 0400;
    static final int O_NONBLOCK = 04000;
    static final int O_DIRECTORY = 0200000;
    static final int O_NOFOLLOW = 0400000;
    static final int O_CLOEXEC = 02000000;
    static final int O_PATH = 010000000;

    /** {@code open_how.resolve}: treat the directory as the root (absolute links, {@code ..} stay below it). */
    static final long RESOLVE_IN_ROOT = 0x10;
    /** No {@code /proc/<pid>/fd}-style magic links on the way. */
    static final long RESOLVE_NO_MAGICLINKS = 0x02;

    static final int AT_FDCWD = -100;
    static final int AT_SYMLINK_NOFOLLOW = 0x100;
    static final int AT_REMOVEDIR = 0x200;
    static final int AT_EMPTY_PATH = 0x1000;
    static final int RENAME_NOREPLACE = 1;

    static final int STATX_BASIC_STATS = 0x7ff;

    static final int S_IFMT = 0170000;
    static final int S_IFDIR = 0040000;
    static final int S_IFREG = 0100000;
    static final int S_IFLNK = 0120000;

    /** {@code struct open_how} (linux/openat2.h). */
    @Structure.FieldOrder({"flags", "mode", "resolve"})
    public static final class open_how extends Structure {
        public long flags;
        public long mode;
        public long resolve;
    }

    /** {@code struct statx_timestamp}. */
    @Structure.FieldOrder({"tv_sec", "tv_nsec", "__reserved"})
    public static class statx_timestamp extends Structure {
        public long tv_sec;
        public int tv_nsec;
        public int __reserved;
    }

    /** {@code struct statx} (linux/stat.h): 256 bytes, the fields up to {@code stx_dev_minor} mapped. */
    @Structure.FieldOrder({"stx_mask", "stx_blksize", "stx_attributes", "stx_nlink", "stx_uid", "stx_gid",
            "stx_mode", "__spare0", "stx_ino", "stx_size", "stx_blocks", "stx_attributes_mask", "stx_atime",
            "stx_btime", "stx_ctime", "stx_mtime", "stx_rdev_major", "stx_rdev_minor", "stx_dev_major",
            "stx_dev_minor", "__spare"})
    public static final class statx extends Structure {
        public int stx_mask;
        public int stx_blksize;
        public long stx_attributes;
        public int stx_nlink;
        public int stx_uid;
        public int stx_gid;
        public short stx_mode;
        public short __spare0;
        public long stx_ino;
        public long stx_size;
        public long stx_blocks;
        public long stx_attributes_mask;
        public statx_timestamp stx_atime;
        public statx_timestamp stx_btime;
        public statx_timestamp stx_ctime;
        public statx_timestamp stx_mtime;
        public int stx_rdev_major;
        public int stx_rdev_minor;
        public int stx_dev_major;
        public int stx_dev_minor;
        public byte[] __spare = new byte[112];
    }

    /** {@code struct timespec}, two of which {@code utimensat} takes. */
    @Structure.FieldOrder({"tv_sec", "tv_nsec"})
    public static class timespec extends Structure {
        public long tv_sec;
        public long tv_nsec;
    }

    interface Lib extends Library {
        Lib INSTANCE = Native.load("c", Lib.class, Map.of(Library.OPTION_STRING_ENCODING, "UTF-8"));

        /** {@code syscall(SYS_openat2, dirfd, path, &how, sizeof how)}: a new descriptor. */
        int syscall(long number, int dirfd, String path, open_how how, long size) throws LastErrorException;

        int open(String path, int flags, int mode) throws LastErrorException;

        int close(int fd) throws LastErrorException;

        int statx(int dirfd, String path, int flags, int mask, statx buf) throws LastErrorException;

        int mkdirat(int dirfd, String name, int mode) throws LastErrorException;

        int unlinkat(int dirfd, String name, int flags) throws LastErrorException;

        int symlinkat(String target, int dirfd, String name) throws LastErrorException;

        /** {@code ssize_t readlinkat(...)}: the length, not NUL-terminated. */
        long readlinkat(int dirfd, String path, byte[] buf, long size) throws LastErrorException;

        int fchownat(int dirfd, String path, int uid, int gid, int flags) throws LastErrorException;

        /** Used on {@code /proc/self/fd/<n>} only: the inode a descriptor already holds. */
        int chmod(String path, int mode) throws LastErrorException;

        long readlink(String path, byte[] buf, long size) throws LastErrorException;

        int renameat2(int olddirfd, String oldname, int newdirfd, String newname, int flags)
                throws LastErrorException;

        int linkat(int olddirfd, String oldpath, int newdirfd, String newpath, int flags) throws LastErrorException;

        int utimensat(int dirfd, String path, timespec[] times, int flags) throws LastErrorException;
    }
}
