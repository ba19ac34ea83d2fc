package dev.corral.daemon.instances.files;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetSocket;
import java.io.IOException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.nio.file.FileSystem;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.sshd.common.channel.AbstractChannel;
import org.apache.sshd.common.channel.IoWriteFutureImpl;
import org.apache.sshd.common.channel.LocalWindow;
import org.apache.sshd.common.io.IoOutputStream;
import org.apache.sshd.common.io.IoWriteFuture;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.apache.sshd.common.util.closeable.AbstractCloseable;
import org.apache.sshd.common.util.threads.CloseableExecutorService;
import org.apache.sshd.common.util.threads.ThreadUtils;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.session.ServerSession;
import org.apache.sshd.sftp.server.SftpErrorStatusDataHandler;
import org.apache.sshd.sftp.server.SftpFileSystemAccessor;
import org.apache.sshd.sftp.server.SftpSubsystem;
import org.apache.sshd.sftp.server.SftpSubsystemConfigurator;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;
import org.apache.sshd.sftp.server.UnsupportedAttributePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SFTP session on an upgraded connection: MINA's {@link SftpSubsystem} (protocol versions 3 to 6, the
 * {@code incus} CLI speaks 3 with OpenSSH's extensions) on the instance's {@link FileSystem}, fed from a Vert.x
 * {@link NetSocket}.
 *
 * <p>The subsystem expects an SSH channel around it. It gets a stand-in: a {@link ChannelSession} that is never
 * opened, whose session is a proxy answering only for settings ({@link #stubSession}), and whose local window (the
 * SSH flow control the subsystem reports processed bytes to) is this class's backpressure instead.
 *
 * <p>Threads and flow: the event loop cuts the socket's bytes into SFTP packets ({@link Framing}, at most
 * {@value #MAX_PACKET} bytes each, else the connection is closed) and puts them in the subsystem's queue (one copy
 * out of the socket's buffer); the subsystem's own thread ({@code corral-sftp-<instance>}) runs them against the file system. When more
 * than {@value #HIGH_WATER} bytes wait in its queue the socket is paused, and resumed once they are down to {@value
 * #LOW_WATER}. Answers go out through {@link SocketOutput}: each write completes when Vert.x has written it, and
 * MINA's buffered stream lets no more than a few MiB wait, so a client that does not read stops the subsystem, not
 * the heap. Either side closing ends the session; the file system is closed with it.
 */
final class SftpSession {

    private static final Logger LOG = LoggerFactory.getLogger(SftpSession.class);
    /** pkg/sftp (the incus CLI) writes 128 KiB of data per packet; the rest is headroom for the header. */
    static final int MAX_PACKET = 256 * 1024;
    static final long HIGH_WATER = 4L * 1024 * 1024;
    static final long LOW_WATER = 1024L * 1024;

    private final NetSocket socket;
    private final FileSystem fs;
    private final String instance;
    private final SshServer settings;
    private final SftpSubsystemFactory factory;
    private final SftpServer.Permit permit;
    private final Context context;
    private final Object flow = new Object();
    private final AtomicBoolean finished = new AtomicBoolean();
    private long queued;
    private boolean paused;
    private ChannelSession channel;
    private PacketSubsystem subsystem;

    SftpSession(NetSocket socket, FileSystem fs, String instance, SshServer settings, SftpSubsystemFactory factory,
            SftpServer.Permit permit) {
        this.socket = socket;
        this.fs = fs;
        this.instance = instance;
        this.settings = settings;
        this.factory = factory;
        this.permit = permit;
        this.context = Vertx.currentContext();
    }

    /** Starts serving; call on the socket's event loop. */
    void start() {
        socket.pause();
        try {
            ServerSession session = stubSession(settings, instance);
            channel = new DetachedChannel(session, this);
            CloseableExecutorService executor = ThreadUtils.newSingleThreadExecutor("corral-sftp-" + instance);
            subsystem = new PacketSubsystem(channel, new Configurator(factory, executor));
            subsystem.setFileSystem(fs);
            subsystem.setExitCallback((code, message, immediately) -> context.runOnContext(ignored -> finish()));
            subsystem.setIoOutputStream(new SocketOutput(socket));
            subsystem.start(channel, channel.getEnvironment());
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot start an SFTP session on {}", instance, e);
            finish();
            return;
        }
        socket.handler(new Framing());
        socket.exceptionHandler(e -> {
            LOG.debug("SFTP connection to {} failed", instance, e);
            socket.close();
        });
        socket.closeHandler(ignored -> closed());
        socket.resume();
    }

    /**
     * Splits the byte stream into SFTP packets (uint32 length, then that many bytes) for the subsystem, copying each
     * byte once: straight from the socket's buffers into the packet's array (a 128 KiB write arrives in several
     * reads).
     */
    private final class Framing implements io.vertx.core.Handler<io.vertx.core.buffer.Buffer> {
        private final byte[] header = new byte[4];
        private int headerFilled;
        private byte[] packet;
        private int packetFilled;

        @Override
        public void handle(io.vertx.core.buffer.Buffer data) {
            int at = 0;
            int end = data.length();
            while (at < end) {
                if (packet == null) {
                    int n = Math.min(4 - headerFilled, end - at);
                    data.getBytes(at, at + n, header, headerFilled);
                    headerFilled += n;
                    at += n;
                    if (headerFilled < 4) {
                        return;
                    }
                    long announced = ((header[0] & 0xffL) << 24) | ((header[1] & 0xffL) << 16)
                            | ((header[2] & 0xffL) << 8) | (header[3] & 0xffL);
                    if (announced < 5 || announced > MAX_PACKET) {
                        LOG.debug("SFTP packet of {} bytes on {}: closing", announced, instance);
                        socket.close();
                        return;
                    }
                    packet = new byte[4 + (int) announced];
                    System.arraycopy(header, 0, packet, 0, 4);
                    packetFilled = 4;
                    headerFilled = 0;
                }
                int n = Math.min(packet.length - packetFilled, end - at);
                data.getBytes(at, at + n, packet, packetFilled);
                packetFilled += n;
                at += n;
                if (packetFilled == packet.length) {
                    byte[] done = packet;
                    packet = null;
                    queued(done.length);
                    subsystem.enqueue(done);
                }
            }
        }
    }

    private void queued(int bytes) {
        synchronized (flow) {
            queued += bytes;
            if (queued > HIGH_WATER && !paused) {
                paused = true;
                socket.pause();
            }
        }
    }

    /** The subsystem processed a packet (its thread): resume reading once the backlog is small again. */
    void released(long bytes) {
        boolean resume = false;
        synchronized (flow) {
            queued -= bytes;
            if (paused && queued <= LOW_WATER) {
                paused = false;
                resume = true;
            }
        }
        if (resume) {
            context.runOnContext(ignored -> socket.resume());
        }
    }

    /** The client went away: let the subsystem finish what it has and stop. */
    private void closed() {
        try {
            subsystem.close();
        } catch (IOException e) {
            LOG.debug("cannot close the SFTP subsystem of {}", instance, e);
            finish();
        }
    }

    /** The subsystem stopped (or never started): release everything, once. On the event loop. */
    private void finish() {
        if (!finished.compareAndSet(false, true)) {
            return;
        }
        try {
            if (subsystem != null) {
                subsystem.destroy(channel); // stops its thread, closes the file system
            } else {
                fs.close();
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("cannot release the SFTP session of {}", instance, e);
        } finally {
            permit.close();
            socket.close();
        }
    }

    // ---- the stand-ins for SSH ----

    /**
     * The subsystem's "SSH session": settings (its properties and the server's) and the server object; anything
     * else it might ask an SSH session is refused loudly rather than answered wrongly.
     */
    static ServerSession stubSession(SshServer server, String name) {
        Map<String, Object> properties = new ConcurrentHashMap<>();
        InvocationHandler handler = (proxy, method, args) -> {
            switch (method.getName()) {
                case "getFactoryManager":
                case "getParentPropertyResolver":
                    return server;
                case "getProperties":
                    return properties;
                case "toString":
                    return "SftpSession[" + name + "]";
                case "hashCode":
                    return System.identityHashCode(proxy);
                case "equals":
                    return proxy == args[0];
                default:
                    if (method.isDefault()) {
                        return InvocationHandler.invokeDefault(proxy, method, args);
                    }
                    throw new UnsupportedOperationException("no SSH session behind SFTP: " + method.getName());
            }
        };
        return (ServerSession) Proxy.newProxyInstance(SftpSession.class.getClassLoader(),
                new Class<?>[] {ServerSession.class}, handler);
    }

    /**
     * MINA's subsystem, fed whole packets: {@link SftpSubsystem#data} would copy each one twice more to find the
     * boundaries that {@link Framing} already found.
     */
    private static final class PacketSubsystem extends SftpSubsystem {
        PacketSubsystem(ChannelSession channel, SftpSubsystemConfigurator configurator) {
            super(channel, configurator);
        }

        /** One packet, its uint32 length first; processed in order on the subsystem's thread. */
        void enqueue(byte[] packet) {
            requests.add(new ByteArrayBuffer(packet));
        }

        /**
         * The reply is written over the request's buffer, as MINA does, but without first zeroing all of it (128 KiB
         * per write of the incus CLI): only what the reply writes is sent.
         */
        @Override
        protected Buffer prepareReply(Buffer buffer) {
            buffer.clear(false);
            buffer.putUInt(0L); // the length, filled in when sent
            return buffer;
        }
    }

    /** A channel that is never opened: it names the session and routes flow control to the {@link SftpSession}. */
    private static final class DetachedChannel extends ChannelSession {
        private final ServerSession session;
        private final LocalWindow window;

        DetachedChannel(ServerSession session, SftpSession flow) {
            this.session = session;
            this.window = new FlowWindow(this, flow);
        }

        @Override
        public ServerSession getSession() {
            return session;
        }

        @Override
        public LocalWindow getLocalWindow() {
            return window;
        }
    }

    /** The local window's {@code release} (bytes processed) as backpressure for the socket. */
    private static final class FlowWindow extends LocalWindow {
        private final SftpSession flow;

        FlowWindow(AbstractChannel channel, SftpSession flow) {
            super(channel, false);
            this.flow = flow;
        }

        @Override
        public void release(long len) {
            flow.released(len);
        }
    }

    /** The factory's settings, with this session's own thread. */
    private record Configurator(SftpSubsystemFactory factory, CloseableExecutorService executor)
            implements SftpSubsystemConfigurator {

        @Override
        public CloseableExecutorService getExecutorService() {
            return executor;
        }

        @Override
        public SftpFileSystemAccessor getFileSystemAccessor() {
            return factory.getFileSystemAccessor();
        }

        @Override
        public UnsupportedAttributePolicy getUnsupportedAttributePolicy() {
            return factory.getUnsupportedAttributePolicy();
        }

        @Override
        public SftpErrorStatusDataHandler getErrorStatusDataHandler() {
            return factory.getErrorStatusDataHandler();
        }

        @Override
        public org.apache.sshd.server.channel.ChannelDataReceiver getErrorChannelDataReceiver() {
            return factory.getErrorChannelDataReceiver();
        }
    }

    /** The subsystem's output: each buffer written to the socket, its future completed once Vert.x wrote it. */
    private static final class SocketOutput extends AbstractCloseable implements IoOutputStream {
        private final NetSocket socket;

        SocketOutput(NetSocket socket) {
            this.socket = socket;
        }

        @Override
        public IoWriteFuture writeBuffer(Buffer buffer) {
            IoWriteFutureImpl future = new IoWriteFutureImpl(this, buffer);
            byte[] bytes = new byte[buffer.available()];
            buffer.getRawBytes(bytes);
            socket.write(io.vertx.core.buffer.Buffer.buffer(bytes)).onComplete(
                    ignored -> future.setValue(Boolean.TRUE),
                    failure -> future.setValue(failure));
            return future;
        }
    }
}
