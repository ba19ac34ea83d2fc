package dev.corral.container.lxc;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * Raw JNA mappings of the libc calls exec sessions make ({@link LxcExecProcess} is the only user): {@code
 * posix_spawn} of lxc-attach (a vfork-style spawn, never a fork of the JVM) with exactly the descriptors, session and
 * signal state it should have, pipes and a pseudo-terminal whose ends the JVM keeps, polled reads and writes on them,
 * window sizes, and signals through pidfds (no pid can be recycled under a pidfd). Constants are Linux's on x86-64
 * and arm64 (the asm-generic values) with glibc ≥ 2.34 ({@code posix_spawn_file_actions_addclosefrom_np}).
 *
 * <p>Every call that fails throws {@link LastErrorException} carrying errno; {@link #errno} reads it.
 */
final class LxcExecNative {

    private LxcExecNative() {
    }

    static final int O_RDONLY = 0x0;
    static final int O_WRONLY = 0x1;
    static final int O_RDWR = 0x2;
    static final int O_CREAT = 0x40;
    static final int O_TRUNC = 0x200;
    static final int O_NOCTTY = 0x100;
    static final int O_NONBLOCK = 0x800;
    static final int O_CLOEXEC = 0x80000;
    static final int F_GETFL = 3;
    static final int F_SETFL = 4;

    static final short POLLIN = 0x1;
    static final short POLLOUT = 0x4;
    static final short POLLERR = 0x8;
    static final short POLLHUP = 0x10;
    static final short POLLNVAL = 0x20;

    static final int EINTR = 4;
    static final int EIO = 5;
    static final int EAGAIN = 11;
    static final int ESRCH = 3;

    static final long TIOCSWINSZ = 0x5414;
    static final int TCSANOW = 0;

    static final int SIGKILL = 9;

    private static final short POSIX_SPAWN_SETSIGDEF = 0x04;
    private static final short POSIX_SPAWN_SETSIGMASK = 0x08;
    private static final short POSIX_SPAWN_SETSID = 0x80;
    /** {@code sizeof(posix_spawnattr_t)} is 336 and {@code sizeof(posix_spawn_file_actions_t)} 80 on glibc x86-64. */
    private static final int SPAWN_ATTR_SIZE = 1024;
    private static final int FILE_ACTIONS_SIZE = 512;
    /** {@code sizeof(sigset_t)}: 1024 bits. */
    private static final int SIGSET_SIZE = 128;
    private static final int SIGNALS = 64;

    private static final long SYS_PIDFD_SEND_SIGNAL = 424;
    private static final long SYS_PIDFD_OPEN = 434;
    /** {@code sizeof(struct termios)} is 60 on glibc; room to spare. */
    private static final int TERMIOS_SIZE = 128;

    interface Lib extends Library {
        Lib INSTANCE = Native.load("c", Lib.class);

        int pipe2(int[] fds, int flags) throws LastErrorException;

        int fcntl(int fd, int cmd, int arg) throws LastErrorException;

        int posix_openpt(int flags) throws LastErrorException;

        int grantpt(int fd) throws LastErrorException;

        int unlockpt(int fd) throws LastErrorException;

        /** Returns 0 or an error number (it does not set errno). */
        int ptsname_r(int fd, byte[] buf, long buflen);

        /** {@code ioctl(fd, TIOCSWINSZ, struct winsize *)}: rows, columns, x pixels, y pixels. */
        int ioctl(int fd, long request, short[] winsize) throws LastErrorException;

        int tcgetattr(int fd, byte[] termios) throws LastErrorException;

        int tcsetattr(int fd, int actions, byte[] termios) throws LastErrorException;

        /** {@code struct pollfd} packed as two ints: {fd, events | revents << 16} (little-endian). */
        int poll(int[] pollfd, long nfds, int timeout) throws LastErrorException;

        long read(int fd, byte[] buf, long count) throws LastErrorException;

        long write(int fd, byte[] buf, long count) throws LastErrorException;

        int close(int fd) throws LastErrorException;

        long syscall(long number, long a1, long a2, long a3, long a4) throws LastErrorException;

        int waitpid(int pid, int[] status, int options) throws LastErrorException;

        // posix_spawn and friends return an error number (they do not set errno)

        int posix_spawnattr_init(Pointer attr);

        int posix_spawnattr_destroy(Pointer attr);

        int posix_spawnattr_setflags(Pointer attr, short flags);

        int posix_spawnattr_setsigmask(Pointer attr, Pointer sigset);

        int posix_spawnattr_setsigdefault(Pointer attr, Pointer sigset);

        int posix_spawn_file_actions_init(Pointer actions);

        int posix_spawn_file_actions_destroy(Pointer actions);

        int posix_spawn_file_actions_adddup2(Pointer actions, int fd, int newfd);

        int posix_spawn_file_actions_addopen(Pointer actions, int fd, String path, int flags, int mode);

        int posix_spawn_file_actions_addchdir_np(Pointer actions, String path);

        int posix_spawn_file_actions_addclosefrom_np(Pointer actions, int from);

        int posix_spawn(int[] pid, String path, Pointer actions, Pointer attr, String[] argv, String[] envp);
    }

    /** What the child's descriptor {@code fd} becomes: a copy of one of ours, or a file it opens. */
    sealed interface ChildFd permits Dup, Open {
    }

    record Dup(int fd, int from) implements ChildFd {
    }

    record Open(int fd, String path, int flags) implements ChildFd {
    }

    /**
     * Spawns {@code argv} (argv[0] an absolute path) in {@code directory} with environment {@code envp}, in a new
     * session, with no signal blocked and every signal's handling at its default (whatever the JVM's threads block or
     * its parent made it ignore), descriptors 0 to 2 set up as {@code fds} say (in order) and no other descriptor
     * of the JVM's. An {@link Open} of a terminal after the new session makes it the child's controlling terminal.
     * Returns the child's pid; the caller must reap it ({@link #waitpid}).
     */
    static int spawn(List<String> argv, List<String> envp, Path directory, List<ChildFd> fds) {
        Memory attr = new Memory(SPAWN_ATTR_SIZE);
        Memory actions = new Memory(FILE_ACTIONS_SIZE);
        check(Lib.INSTANCE.posix_spawnattr_init(attr), "posix_spawnattr_init");
        try {
            check(Lib.INSTANCE.posix_spawn_file_actions_init(actions), "posix_spawn_file_actions_init");
            try {
                Memory none = new Memory(SIGSET_SIZE);
                none.clear();
                Memory all = new Memory(SIGSET_SIZE);
                all.clear();
                all.setLong(0, -1L >>> (64 - SIGNALS)); // signals 1..64 are bits 0..63
                check(Lib.INSTANCE.posix_spawnattr_setsigmask(attr, none), "posix_spawnattr_setsigmask");
                check(Lib.INSTANCE.posix_spawnattr_setsigdefault(attr, all), "posix_spawnattr_setsigdefault");
                check(Lib.INSTANCE.posix_spawnattr_setflags(attr,
                        (short) (POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)),
                        "posix_spawnattr_setflags");
                for (ChildFd fd : fds) {
                    if (fd instanceof Dup dup) {
                        check(Lib.INSTANCE.posix_spawn_file_actions_adddup2(actions, dup.from(), dup.fd()),
                                "posix_spawn_file_actions_adddup2");
                    } else if (fd instanceof Open open) {
                        check(Lib.INSTANCE.posix_spawn_file_actions_addopen(actions, open.fd(), open.path(),
                                open.flags(), 0644), "posix_spawn_file_actions_addopen");
                    }
                }
                check(Lib.INSTANCE.posix_spawn_file_actions_addchdir_np(actions, directory.toString()),
                        "posix_spawn_file_actions_addchdir_np");
                check(Lib.INSTANCE.posix_spawn_file_actions_addclosefrom_np(actions, 3),
                        "posix_spawn_file_actions_addclosefrom_np");
                int[] pid = new int[1];
                check(Lib.INSTANCE.posix_spawn(pid, argv.get(0), actions, attr, argv.toArray(new String[0]),
                        envp.toArray(new String[0])), "posix_spawn " + argv.get(0));
                return pid[0];
            } finally {
                Lib.INSTANCE.posix_spawn_file_actions_destroy(actions);
            }
        } finally {
            Lib.INSTANCE.posix_spawnattr_destroy(attr);
        }
    }

    private static void check(int error, String call) {
        if (error != 0) {
            throw new LastErrorException(error);
        }
    }

    /**
     * Waits for child {@code pid} to end and reaps it: its exit status, or {@code 128 + n} when signal {@code n}
     * killed it.
     */
    static int waitpid(int pid) {
        int[] status = new int[1];
        while (true) {
            try {
                Lib.INSTANCE.waitpid(pid, status, 0);
                break;
            } catch (LastErrorException e) {
                if (errno(e) != EINTR) {
                    throw e;
                }
            }
        }
        int s = status[0];
        int signal = s & 0x7f;
        return signal == 0 ? (s >> 8) & 0xff : 128 + signal;
    }

    static int errno(LastErrorException e) {
        return e.getErrorCode();
    }

    /**
     * A pipe, both ends close-on-exec: {read end, write end}. The end the JVM keeps is made non-blocking; the other
     * one must stay blocking, as programs expect of their standard streams (the flag belongs to the open file, which
     * a child's copy shares).
     */
    static int[] pipe(int nonBlockingEnd) {
        int[] fds = new int[2];
        Lib.INSTANCE.pipe2(fds, O_CLOEXEC);
        try {
            int fd = fds[nonBlockingEnd];
            Lib.INSTANCE.fcntl(fd, F_SETFL, Lib.INSTANCE.fcntl(fd, F_GETFL, 0) | O_NONBLOCK);
        } catch (LastErrorException e) {
            close(fds[0]);
            close(fds[1]);
            throw e;
        }
        return fds;
    }

    /** A pseudo-terminal's controlling end (non-blocking, no controlling-terminal side effects). */
    static int openPty() {
        return Lib.INSTANCE.posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
    }

    /** Grants and unlocks the terminal end of {@code pty}; returns its path ({@code /dev/pts/N}). */
    static String unlockPty(int pty) {
        Lib.INSTANCE.grantpt(pty);
        Lib.INSTANCE.unlockpt(pty);
        byte[] name = new byte[128];
        int err = Lib.INSTANCE.ptsname_r(pty, name, name.length);
        if (err != 0) {
            throw new LastErrorException(err);
        }
        int len = 0;
        while (len < name.length && name[len] != 0) {
            len++;
        }
        return new String(name, 0, len, StandardCharsets.UTF_8);
    }

    /** {@code c_lflag}: canonical mode (line editing). */
    static final int ICANON = 0x2;
    /** {@code c_oflag}: map NL to CR-NL on output. */
    static final int ONLCR = 0x4;
    /** Offsets of {@code c_oflag} and {@code c_lflag} in glibc's {@code struct termios} (four tcflag_t first). */
    private static final int OFLAG_OFFSET = 4;
    private static final int LFLAG_OFFSET = 12;

    /** The terminal's local mode flags ({@code c_lflag}). */
    static int localFlags(int pty) {
        byte[] termios = new byte[TERMIOS_SIZE];
        Lib.INSTANCE.tcgetattr(pty, termios);
        return flag(termios, LFLAG_OFFSET);
    }

    /** Clears output mode flags ({@code c_oflag}) at once (no flush). */
    static void clearOutputFlags(int pty, int flags) {
        byte[] termios = new byte[TERMIOS_SIZE];
        Lib.INSTANCE.tcgetattr(pty, termios);
        int oflag = flag(termios, OFLAG_OFFSET) & ~flags;
        java.nio.ByteBuffer.wrap(termios).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(OFLAG_OFFSET, oflag);
        Lib.INSTANCE.tcsetattr(pty, TCSANOW, termios);
    }

    private static int flag(byte[] termios, int offset) {
        return java.nio.ByteBuffer.wrap(termios).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(offset);
    }

    static void setWindowSize(int pty, int width, int height) {
        Lib.INSTANCE.ioctl(pty, TIOCSWINSZ, new short[] {(short) height, (short) width, 0, 0});
    }

    /**
     * Waits up to {@code timeoutMillis} for {@code events} on {@code fd}; returns the events that happened (0 on
     * timeout or interruption by a signal).
     */
    static int poll(int fd, short events, int timeoutMillis) {
        int[] pollfd = {fd, events & 0xffff};
        try {
            int n = Lib.INSTANCE.poll(pollfd, 1, timeoutMillis);
            return n <= 0 ? 0 : (pollfd[1] >>> 16) & 0xffff;
        } catch (LastErrorException e) {
            if (errno(e) == EINTR) {
                return 0;
            }
            throw e;
        }
    }

    static long read(int fd, byte[] buf) {
        return Lib.INSTANCE.read(fd, buf, buf.length);
    }

    static long write(int fd, byte[] buf, int len) {
        return Lib.INSTANCE.write(fd, buf, len);
    }

    static void close(int fd) {
        if (fd >= 0) {
            try {
                Lib.INSTANCE.close(fd);
            } catch (LastErrorException e) {
                // close(2) releases the descriptor even when it reports an error
            }
        }
    }

    static int pidfdOpen(long pid) {
        return (int) Lib.INSTANCE.syscall(SYS_PIDFD_OPEN, pid, 0, 0, 0);
    }

    static void pidfdSendSignal(int pidfd, int signal) {
        Lib.INSTANCE.syscall(SYS_PIDFD_SEND_SIGNAL, pidfd, signal, 0, 0);
    }
}
