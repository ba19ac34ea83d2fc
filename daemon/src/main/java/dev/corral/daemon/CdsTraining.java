package dev.corral.daemon;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A short training run for the class-data-sharing archive the packaging builds ({@code -XX:ArchiveClassesAtExit}):
 * starts a daemon on a scratch directory, sends it a few requests, stops it. Loading the archived classes later
 * roughly halves corrald's start-up time.
 */
public final class CdsTraining {

    private CdsTraining() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("corral-cds-");
        try {
            DaemonConfig config = DaemonConfig.fromEnvironment(Map.of("CORRAL_DIR", dir.toString()), null);
            try (Daemon daemon = Daemon.start(config)) {
                for (String path : new String[] {"/", "/1.0", "/1.0/projects?recursion=1", "/1.0/operations",
                        "/1.0/nope"}) {
                    get(config.socket(), path);
                }
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    private static void get(Path socket, String path) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.write(ByteBuffer.wrap(("GET " + path + " HTTP/1.1\r\nHost: corral\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
            while (channel.read(buffer) >= 0) {
                buffer.clear();
            }
        }
    }
}
