package dev.corral.hypervisor.kvm;

import dev.corral.instance.DriverException;
import java.util.Arrays;

/**
 * A domain's serial console as a non-blocking libvirt stream, on a connection of its own ({@code virConnectOpen},
 * {@code virDomainOpenConsole}). {@link #read} returns at once; one lock per stream serialises the native calls, so
 * reads and writes may come from different threads. Close it once: it aborts the stream and frees every handle.
 */
final class ConsoleStream implements AutoCloseable {

    private final LibvirtNative.virConnectPtr conn;
    private final LibvirtNative.virDomainPtr domain;
    private final LibvirtNative.virStreamPtr stream;
    private final byte[] buffer = new byte[16 * 1024];
    private boolean closed;

    private ConsoleStream(LibvirtNative.virConnectPtr conn, LibvirtNative.virDomainPtr domain,
            LibvirtNative.virStreamPtr stream) {
        this.conn = conn;
        this.domain = domain;
        this.stream = stream;
    }

    /**
     * Opens the console of the running domain {@code name}; {@code force} takes it over from another session.
     *
     * @throws DriverException when libvirt cannot be reached or the console cannot be opened
     */
    static ConsoleStream open(String uri, String name, boolean force) {
        LibvirtNative lib = LibvirtNative.LIB;
        LibvirtNative.virConnectPtr conn = lib.virConnectOpen(uri);
        if (conn == null) {
            throw new DriverException("cannot connect to libvirt at " + uri + ": " + LibvirtNative.lastError());
        }
        LibvirtNative.virDomainPtr domain = null;
        LibvirtNative.virStreamPtr stream = null;
        try {
            domain = lib.virDomainLookupByName(conn, name);
            if (domain == null) {
                throw new DriverException("no domain " + name + ": " + LibvirtNative.lastError());
            }
            stream = lib.virStreamNew(conn, LibvirtNative.STREAM_NONBLOCK);
            if (stream == null) {
                throw new DriverException("cannot make a stream: " + LibvirtNative.lastError());
            }
            if (lib.virDomainOpenConsole(domain, null, stream, force ? LibvirtNative.CONSOLE_FORCE : 0) < 0) {
                throw new DriverException("cannot open the console of " + name + ": " + LibvirtNative.lastError());
            }
            return new ConsoleStream(conn, domain, stream);
        } catch (RuntimeException e) {
            if (stream != null) {
                lib.virStreamFree(stream);
            }
            if (domain != null) {
                lib.virDomainFree(domain);
            }
            lib.virConnectClose(conn);
            throw e;
        }
    }

    /**
     * What the console has for us now: bytes, an empty array when nothing is waiting, null at its end (the domain
     * stopped, another session took it over, or this stream was closed).
     */
    synchronized byte[] read() {
        if (closed) {
            return null;
        }
        int n = LibvirtNative.LIB.virStreamRecv(stream, buffer, buffer.length);
        if (n == LibvirtNative.STREAM_AGAIN) {
            return new byte[0];
        }
        if (n <= 0) {
            return null;
        }
        return Arrays.copyOf(buffer, n);
    }

    /** Sends what it can of {@code data} from {@code offset}; returns how many bytes went, -1 when it ended. */
    synchronized int write(byte[] data, int offset) {
        if (closed) {
            return -1;
        }
        byte[] chunk = offset == 0 ? data : Arrays.copyOfRange(data, offset, data.length);
        int n = LibvirtNative.LIB.virStreamSend(stream, chunk, chunk.length);
        if (n == LibvirtNative.STREAM_AGAIN) {
            return 0;
        }
        return n < 0 ? -1 : n;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        LibvirtNative lib = LibvirtNative.LIB;
        lib.virStreamAbort(stream);
        lib.virStreamFree(stream);
        lib.virDomainFree(domain);
        lib.virConnectClose(conn);
    }
}
