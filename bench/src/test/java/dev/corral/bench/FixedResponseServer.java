package dev.corral.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A unix-socket HTTP/1.1 server for tests: answers every request head with a fixed chunked body; every
 * {@code failEvery}-th answer (counted over all connections) is a 500 instead.
 */
final class FixedResponseServer implements AutoCloseable {

    private static final byte[] OK = ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            + "Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] FAIL = "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n"
            .getBytes(StandardCharsets.ISO_8859_1);

    private final Path dir;
    private final ServerSocketChannel server;
    private final long failEvery;
    private final AtomicLong answered = new AtomicLong();
    private final Thread acceptor;

    FixedResponseServer(long failEvery) throws IOException {
        this.dir = Files.createTempDirectory(Path.of("/tmp"), "bench-test-");
        this.failEvery = failEvery;
        this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket()));
        this.acceptor = new Thread(this::acceptLoop, "test-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    Path socket() {
        return dir.resolve("unix.socket");
    }

    long answered() {
        return answered.get();
    }

    private void acceptLoop() {
        while (server.isOpen()) {
            try {
                SocketChannel c = server.accept();
                Thread t = new Thread(() -> serve(c), "test-connection");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                // Closing the server ends accept() with an exception: that is how this loop stops.
                return;
            }
        }
    }

    private void serve(SocketChannel c) {
        try (c; InputStream in = Channels.newInputStream(c); OutputStream out = Channels.newOutputStream(c)) {
            answerRequests(in, out, answered, failEvery);
        } catch (IOException e) {
            // The client side may drop the connection mid-exchange when a test ends; nothing to assert on.
            System.err.println("test server connection ended: " + e);
        }
    }

    /**
     * Answers every request head read from {@code in} until the client closes its side; bodies are not expected.
     * Every {@code failEvery}-th answer counted in {@code answered} is a 500 (never when it is 0).
     */
    static void answerRequests(InputStream in, OutputStream out, AtomicLong answered, long failEvery)
            throws IOException {
        int matched = 0;
        int b;
        // Ends when the client closes its connection (read returns -1).
        while ((b = in.read()) >= 0) {
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
            if (matched == 4) {
                matched = 0;
                long n = answered.incrementAndGet();
                out.write(failEvery > 0 && n % failEvery == 0 ? FAIL : OK);
                out.flush();
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        Files.deleteIfExists(socket());
        Files.deleteIfExists(dir);
    }
}
