package dev.corral.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * One keep-alive HTTP/1.1 connection over a unix domain socket, with blocking I/O.
 *
 * <p>Blocking channels on plain threads keep the client's cost per request to two system calls and no
 * event-loop hand-offs, which is what lets it stay far below the server's cost. A thread blocked in
 * {@link #exchange} is released by interrupting it (the channel is interruptible and closes itself).
 *
 * <p>Not thread-safe: one connection per worker thread.
 */
final class HttpConnection implements AutoCloseable {

    private final SocketChannel channel;
    private final ResponseReader reader;

    private HttpConnection(SocketChannel channel) {
        this.channel = channel;
        this.reader = new ResponseReader(channel);
    }

    static HttpConnection open(Path socket) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(socket));
            return new HttpConnection(channel);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Sends one request and reads its whole response. The caller reconnects when the response says close. */
    ResponseReader.Response exchange(HttpRequest request) throws IOException {
        return exchange(request, null);
    }

    /** Like {@link #exchange(HttpRequest)}, and copies the response body to {@code bodySink} unless it is null. */
    ResponseReader.Response exchange(HttpRequest request, ByteArrayOutputStream bodySink) throws IOException {
        ByteBuffer out = ByteBuffer.wrap(request.bytes());
        // Bounded: a blocking write makes progress or throws.
        while (out.hasRemaining()) {
            channel.write(out);
        }
        return reader.read(request.isHead(), bodySink);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
