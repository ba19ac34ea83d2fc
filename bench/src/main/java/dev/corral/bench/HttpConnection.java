package dev.corral.bench;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * One keep-alive HTTP/1.1 connection, over a unix domain socket or TLS over TCP, with blocking I/O.
 *
 * <p>Blocking channels on plain threads keep the client's cost per request to two system calls (plus the record
 * crypto over TLS) and no event-loop hand-offs, which is what lets it stay far below the server's cost. A thread
 * blocked in {@link #exchange} is released by interrupting it: the channels are interruptible, and closing one
 * closes the socket.
 *
 * <p>Not thread-safe: one connection per worker thread.
 */
final class HttpConnection implements AutoCloseable {

    /** Bounds the TCP connect and the TLS handshake, which are not interruptible. */
    private static final int CONNECT_TIMEOUT_MILLIS = 10_000;

    private final WritableByteChannel out;
    private final ResponseReader reader;
    private final Closeable socket;

    private HttpConnection(ReadableByteChannel in, WritableByteChannel out, Closeable socket) {
        this.out = out;
        this.reader = new ResponseReader(in);
        this.socket = socket;
    }

    static HttpConnection open(Path socket) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(socket));
            return new HttpConnection(channel, channel, channel);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /**
     * Connects over TCP with Nagle's algorithm off (so a small write never waits for the peer's delayed ACK, up to
     * 40 ms) and completes the TLS 1.3 handshake before returning.
     */
    static HttpConnection openTls(SSLSocketFactory factory, InetSocketAddress address) throws IOException {
        SSLSocket tls = (SSLSocket) factory.createSocket();
        try {
            tls.setTcpNoDelay(true);
            tls.setEnabledProtocols(new String[] {ClientTls.PROTOCOL});
            tls.connect(address, CONNECT_TIMEOUT_MILLIS);
            tls.setSoTimeout(CONNECT_TIMEOUT_MILLIS);
            tls.startHandshake();
            // From here on a stuck read is ended by interrupting the thread, as on a unix socket.
            tls.setSoTimeout(0);
            return new HttpConnection(Channels.newChannel(tls.getInputStream()),
                    Channels.newChannel(tls.getOutputStream()), tls);
        } catch (IOException | RuntimeException e) {
            tls.close();
            throw e;
        }
    }

    /** Sends one request and reads its whole response. The caller reconnects when the response says close. */
    ResponseReader.Response exchange(HttpRequest request) throws IOException {
        return exchange(request, null);
    }

    /** Like {@link #exchange(HttpRequest)}, and copies the response body to {@code bodySink} unless it is null. */
    ResponseReader.Response exchange(HttpRequest request, ByteArrayOutputStream bodySink) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(request.bytes());
        // Bounded: a blocking write makes progress or throws.
        while (buffer.hasRemaining()) {
            out.write(buffer);
        }
        return reader.read(request.isHead(), bodySink);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
