package dev.corral.daemon.http;

import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.unix.PeerCredentials;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Identifies the local user at the other end of a unix-socket connection (SO_PEERCRED), as Incus does to name the
 * requestor. Reaches into Vert.x's connection internals for the Netty channel: kept here, in one place.
 */
final class UnixPeer {

    private static final Logger LOG = LoggerFactory.getLogger(UnixPeer.class);
    private static final Map<Integer, String> NAMES = new ConcurrentHashMap<>();

    private UnixPeer() {
    }

    /** The user name of the peer, or its uid as text when it has no name; "unknown" if it cannot be read. */
    static String userName(HttpConnection connection) {
        if (connection instanceof ConnectionBase base && base.channel() instanceof EpollDomainSocketChannel channel) {
            try {
                PeerCredentials credentials = channel.peerCredentials();
                return NAMES.computeIfAbsent(credentials.uid(), UnixPeer::lookUp);
            } catch (IOException e) {
                LOG.debug("no peer credentials", e);
            }
        }
        return "unknown";
    }

    private static String lookUp(int uid) {
        try {
            for (String line : Files.readAllLines(Path.of("/etc/passwd"))) {
                String[] fields = line.split(":");
                if (fields.length > 2 && fields[2].equals(Integer.toString(uid))) {
                    return fields[0];
                }
            }
        } catch (IOException e) {
            LOG.debug("cannot read /etc/passwd", e);
        }
        return Integer.toString(uid);
    }
}
