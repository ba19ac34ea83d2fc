package dev.corral.daemon;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.SocketAddress;
import dev.corral.daemon.http.InvalidRequests;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFilePermissions;

/** The local API socket: HTTP over a unix domain socket, mode 0660, owned by root and the configured group. */
final class UnixListener {

    private UnixListener() {
    }

    static Future<HttpServer> listen(Vertx vertx, Router router, Path socket, String group) throws IOException {
        removeStaleSocket(socket);
        HttpServerOptions options = new HttpServerOptions()
                .setMaxHeaderSize(16 * 1024)
                .setMaxInitialLineLength(16 * 1024)
                .setIdleTimeout(0);
        return vertx.createHttpServer(options)
                .requestHandler(router)
                .invalidRequestHandler(InvalidRequests::answer)
                .listen(SocketAddress.domainSocketAddress(socket.toString()))
                .map(server -> {
                    try {
                        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw----"));
                        if (group != null) {
                            GroupPrincipal principal = socket.getFileSystem().getUserPrincipalLookupService()
                                    .lookupPrincipalByGroupName(group);
                            Files.getFileAttributeView(socket, java.nio.file.attribute.PosixFileAttributeView.class)
                                    .setGroup(principal);
                        }
                    } catch (IOException e) {
                        server.close();
                        throw new IllegalStateException("cannot set the owner and mode of " + socket + ": "
                                + e.getMessage(), e);
                    }
                    return server;
                });
    }

    /** A socket file left by a daemon that died is removed; one that still answers means corrald already runs. */
    private static void removeStaleSocket(Path socket) throws IOException {
        if (!Files.exists(socket)) {
            return;
        }
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(socket));
            throw new IllegalStateException("another daemon is already listening on " + socket);
        } catch (IOException refused) {
            Files.delete(socket);
        }
    }
}
