package dev.corral.systests;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;

import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/** Connected unix-domain stream sockets (junixsocket), the transport of every client in this module. */
final class UnixSockets {

    /** Read timeout applied to every socket unless a caller sets another: a hung daemon fails a test, never hangs it. */
    static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(60);

    private UnixSockets() {
    }

    /** A socket connected to {@code path}, with {@link #DEFAULT_READ_TIMEOUT}. */
    static Socket connect(Path path) throws IOException {
        AFUNIXSocket socket = AFUNIXSocket.newInstance();
        try {
            socket.connect(AFUNIXSocketAddress.of(path));
            socket.setSoTimeout((int) DEFAULT_READ_TIMEOUT.toMillis());
            return socket;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }
}
