package dev.corral.container.lxc;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;

/**
 * Raw JNA mappings of the few libc calls the driver makes itself (entering a network namespace to open a netlink
 * socket there). Every function reports failure by throwing {@link LastErrorException} with errno; {@link
 * NetlinkRoute} is the only user.
 */
final class LibC {

    private LibC() {
    }

    static final int O_RDONLY = 0;
    static final int O_CLOEXEC = 0x80000;
    static final int CLONE_NEWNET = 0x40000000;
    static final int AF_NETLINK = 16;
    static final int SOCK_RAW = 3;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int NETLINK_ROUTE = 0;
    static final int SOL_SOCKET = 1;
    static final int SO_RCVTIMEO = 20;

    interface Lib extends Library {
        Lib INSTANCE = Native.load("c", Lib.class);

        int open(String path, int flags) throws LastErrorException;

        int close(int fd) throws LastErrorException;

        int setns(int fd, int nstype) throws LastErrorException;

        int socket(int domain, int type, int protocol) throws LastErrorException;

        int setsockopt(int fd, int level, int name, byte[] value, int len) throws LastErrorException;

        /** {@code ssize_t send(int, const void *, size_t, int)}; sizes fit an int here. */
        long send(int fd, byte[] buf, long len, int flags) throws LastErrorException;

        long recv(int fd, byte[] buf, long len, int flags) throws LastErrorException;
    }
}
