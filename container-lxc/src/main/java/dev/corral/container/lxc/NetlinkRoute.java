package dev.corral.container.lxc;

import com.sun.jna.LastErrorException;
import dev.corral.container.lxc.LibC.Lib;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * A NETLINK_ROUTE socket inside another process's network namespace: lists links (name, MAC, MTU, up, 64-bit
 * counters) and addresses (family, prefix, scope) of a container without forking. (liblxc's {@code get_ips} forks
 * the whole JVM to enter the namespace, about 4 ms a call, and gives neither prefix nor scope.)
 *
 * <p>How: a short-lived thread of its own enters the namespace ({@code setns(CLONE_NEWNET)} only affects the
 * calling thread), opens the socket, and goes back; a netlink socket stays bound to the namespace it was created in,
 * so any thread may then use it. Not thread-safe: one user at a time.
 */
final class NetlinkRoute implements AutoCloseable {

    private static final int NLMSG_HDRLEN = 16;
    private static final short NLMSG_ERROR = 2;
    private static final short NLMSG_DONE = 3;
    private static final short RTM_NEWLINK = 16;
    private static final short RTM_GETLINK = 18;
    private static final short RTM_NEWADDR = 20;
    private static final short RTM_GETADDR = 22;
    private static final short NLM_F_REQUEST = 1;
    private static final short NLM_F_DUMP = 0x300;
    private static final int IFLA_ADDRESS = 1;
    private static final int IFLA_IFNAME = 3;
    private static final int IFLA_MTU = 4;
    private static final int IFLA_STATS64 = 23;
    private static final int IFA_ADDRESS = 1;
    private static final int IFA_LOCAL = 2;
    private static final int IFF_UP = 1;

    static final int AF_INET = 2;
    static final int AF_INET6 = 10;

    /** A network interface. */
    record Link(int index, String name, String hwaddr, int mtu, boolean up, long rxBytes, long txBytes,
            long rxPackets, long txPackets) {
    }

    /** An address on interface {@code index}; scope as rtnetlink's (0 universe, 253 link, 254 host). */
    record Addr(int index, int family, int prefixLength, int scope, byte[] address) {
    }

    private final int fd;
    private int seq;
    private boolean closed;

    private NetlinkRoute(int fd) {
        this.fd = fd;
    }

    /**
     * The thread that enters other network namespaces: one long-lived thread rather than a new one per call
     * (creating a thread cost more than the whole state read). It always returns to its own namespace; if it
     * ever cannot, it is retired and a fresh thread takes over.
     */
    private static ExecutorService netnsThread = newNetnsThread();

    private static ExecutorService newNetnsThread() {
        return Executors.newSingleThreadExecutor(runnable -> {
            Thread t = new Thread(runnable, "corral-netns");
            t.setDaemon(true);
            return t;
        });
    }

    /** Opens the socket in the network namespace of {@code pid}; throws {@link LastErrorException} (errno). */
    static NetlinkRoute inNetnsOf(int pid) {
        Future<Integer> opened;
        synchronized (NetlinkRoute.class) {
            opened = netnsThread.submit(() -> socketInNetns(pid));
        }
        boolean interrupted = false;
        int fd;
        while (true) { // microseconds of work: wait it out rather than leak the socket it opens
            try {
                fd = opened.get();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException runtime) {
                    throw runtime;
                }
                throw new IllegalStateException(e.getCause());
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        NetlinkRoute nl = new NetlinkRoute(fd);
        nl.setReceiveTimeout();
        return nl;
    }

    /** Runs on the netns thread; retires that thread if it could not return to its own namespace. */
    private static int socketInNetns(int pid) {
        Lib c = Lib.INSTANCE;
        int own = c.open("/proc/thread-self/ns/net", LibC.O_RDONLY | LibC.O_CLOEXEC);
        try {
            int target = c.open("/proc/" + pid + "/ns/net", LibC.O_RDONLY | LibC.O_CLOEXEC);
            try {
                c.setns(target, LibC.CLONE_NEWNET);
                try {
                    return c.socket(LibC.AF_NETLINK, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC, LibC.NETLINK_ROUTE);
                } finally {
                    returnHome(c, own);
                }
            } finally {
                c.close(target);
            }
        } finally {
            c.close(own);
        }
    }

    private static void returnHome(Lib c, int own) {
        try {
            c.setns(own, LibC.CLONE_NEWNET);
        } catch (LastErrorException e) {
            synchronized (NetlinkRoute.class) {
                netnsThread.shutdown(); // this thread ends after this task; the next call gets a new one
                netnsThread = newNetnsThread();
            }
            throw e;
        }
    }

    List<Link> links() {
        List<Link> out = new ArrayList<>();
        dump(RTM_GETLINK, 16, RTM_NEWLINK, m -> out.add(parseLink(m)));
        return out;
    }

    List<Addr> addresses() {
        List<Addr> out = new ArrayList<>();
        dump(RTM_GETADDR, 8, RTM_NEWADDR, m -> out.add(parseAddr(m)));
        return out;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Lib.INSTANCE.close(fd);
        }
    }

    private void setReceiveTimeout() {
        ByteBuffer tv = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder());
        tv.putLong(2).putLong(0); // struct timeval {2 s, 0 us}: a kernel dump never takes that long
        try {
            Lib.INSTANCE.setsockopt(fd, LibC.SOL_SOCKET, LibC.SO_RCVTIMEO, tv.array(), 16);
        } catch (LastErrorException e) {
            close();
            throw e;
        }
    }

    /** Sends a dump request with a zeroed family header of {@code bodyLength} bytes; feeds each reply's body. */
    private void dump(short requestType, int bodyLength, short replyType, Consumer<ByteBuffer> onMessage) {
        if (closed) {
            throw new IllegalStateException("netlink socket closed");
        }
        int mySeq = ++seq;
        ByteBuffer req = ByteBuffer.allocate(NLMSG_HDRLEN + bodyLength).order(ByteOrder.nativeOrder());
        req.putInt(NLMSG_HDRLEN + bodyLength).putShort(requestType).putShort((short) (NLM_F_REQUEST | NLM_F_DUMP))
                .putInt(mySeq).putInt(0);
        Lib.INSTANCE.send(fd, req.array(), req.capacity(), 0);
        byte[] buf = new byte[64 * 1024];
        while (true) {
            int n = (int) Lib.INSTANCE.recv(fd, buf, buf.length, 0);
            if (n <= 0) {
                throw new IllegalStateException("netlink socket closed during a dump");
            }
            ByteBuffer b = ByteBuffer.wrap(buf, 0, n).order(ByteOrder.nativeOrder());
            while (b.remaining() >= NLMSG_HDRLEN) {
                int start = b.position();
                int len = b.getInt();
                short type = b.getShort();
                b.getShort(); // flags
                int msgSeq = b.getInt();
                b.getInt(); // port id
                if (len < NLMSG_HDRLEN || start + len > n) {
                    throw new IllegalStateException("malformed netlink message (length " + len + ")");
                }
                if (msgSeq == mySeq) {
                    if (type == NLMSG_DONE) {
                        return;
                    }
                    if (type == NLMSG_ERROR) {
                        int errno = -b.getInt();
                        if (errno != 0) {
                            throw new LastErrorException(errno);
                        }
                    } else if (type == replyType) {
                        onMessage.accept(b.slice(b.position(), len - NLMSG_HDRLEN).order(ByteOrder.nativeOrder()));
                    }
                }
                b.position(start + align(len));
            }
        }
    }

    /** {@code struct ifinfomsg} (16 bytes) then attributes. */
    private static Link parseLink(ByteBuffer m) {
        m.get(); // family
        m.get(); // pad
        m.getShort(); // type
        int index = m.getInt();
        int flags = m.getInt();
        m.getInt(); // change
        String name = "";
        String hwaddr = "";
        int mtu = -1;
        long[] stats = {-1, -1, -1, -1};
        while (m.remaining() >= 4) {
            int start = m.position();
            int len = Short.toUnsignedInt(m.getShort());
            int type = m.getShort() & 0x3fff;
            if (len < 4 || start + len > m.limit()) {
                break;
            }
            int dataLen = len - 4;
            switch (type) {
                case IFLA_IFNAME -> name = cString(m, dataLen);
                case IFLA_ADDRESS -> hwaddr = mac(m, dataLen);
                case IFLA_MTU -> mtu = m.getInt();
                case IFLA_STATS64 -> {
                    // struct rtnl_link_stats64: rx_packets, tx_packets, rx_bytes, tx_bytes, ...
                    for (int i = 0; i < 4 && dataLen >= 32; i++) {
                        stats[i] = m.getLong();
                    }
                }
                default -> {
                }
            }
            m.position(Math.min(m.limit(), start + align(len)));
        }
        return new Link(index, name, hwaddr, mtu, (flags & IFF_UP) != 0, stats[2], stats[3], stats[0], stats[1]);
    }

    /** {@code struct ifaddrmsg} (8 bytes) then attributes; IFA_LOCAL wins over IFA_ADDRESS (peer on p2p links). */
    private static Addr parseAddr(ByteBuffer m) {
        int family = Byte.toUnsignedInt(m.get());
        int prefix = Byte.toUnsignedInt(m.get());
        m.get(); // flags
        int scope = Byte.toUnsignedInt(m.get());
        int index = m.getInt();
        byte[] address = null;
        byte[] local = null;
        while (m.remaining() >= 4) {
            int start = m.position();
            int len = Short.toUnsignedInt(m.getShort());
            int type = m.getShort() & 0x3fff;
            if (len < 4 || start + len > m.limit()) {
                break;
            }
            if (type == IFA_ADDRESS || type == IFA_LOCAL) {
                byte[] a = new byte[len - 4];
                m.get(a);
                if (type == IFA_LOCAL) {
                    local = a;
                } else {
                    address = a;
                }
            }
            m.position(Math.min(m.limit(), start + align(len)));
        }
        return new Addr(index, family, prefix, scope, local != null ? local : address != null ? address : new byte[0]);
    }

    private static String cString(ByteBuffer m, int len) {
        byte[] b = new byte[len];
        m.get(b);
        int end = 0;
        while (end < b.length && b[end] != 0) {
            end++;
        }
        return new String(b, 0, end, StandardCharsets.UTF_8);
    }

    private static String mac(ByteBuffer m, int len) {
        byte[] b = new byte[len];
        m.get(b);
        return HexFormat.ofDelimiter(":").formatHex(b);
    }

    private static int align(int len) {
        return (len + 3) & ~3;
    }
}
