package dev.corral.daemon;

import dev.corral.api.ApiException;
import dev.corral.daemon.server.ListenAddress;
import dev.corral.daemon.trust.ServerCertificate;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.TrustOptions;
import dev.corral.daemon.http.InvalidRequests;
import io.vertx.ext.web.Router;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The network API listener ({@code core.https_address}): TLS 1.3 only, as Incus. A client certificate is asked for
 * but not required, and any certificate completes the handshake; whether it is trusted is decided per request
 * from its fingerprint. Changing the address rebinds at once.
 */
final class HttpsListener implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HttpsListener.class);
    static final int DEFAULT_PORT = 8443;
    /** A connection with no traffic either way for this long is closed (websockets ping more often). */
    private static final int IDLE_TIMEOUT_SECONDS = 120;
    private static final int HANDSHAKE_TIMEOUT_SECONDS = 10;

    private final Vertx vertx;
    private final Router router;
    private final HttpServerOptions options;
    private HttpServer server;
    private volatile String address = "";
    private volatile List<String> addresses = List.of();

    HttpsListener(Vertx vertx, Router router, ServerCertificate certificate) {
        this.vertx = vertx;
        this.router = router;
        this.options = new HttpServerOptions()
                .setSsl(true)
                .setKeyCertOptions(new PemKeyCertOptions()
                        .setCertValue(Buffer.buffer(certificate.certificatePem()))
                        .setKeyValue(Buffer.buffer(certificate.keyPem())))
                .setTrustOptions(TrustOptions.wrap(InsecureTrustManagerFactory.INSTANCE.getTrustManagers()[0]))
                .setClientAuth(ClientAuth.REQUEST)
                .setEnabledSecureTransportProtocols(Set.of("TLSv1.3"))
                .setSslHandshakeTimeout(HANDSHAKE_TIMEOUT_SECONDS)
                .setSslHandshakeTimeoutUnit(TimeUnit.SECONDS)
                .setIdleTimeout(IDLE_TIMEOUT_SECONDS)
                .setIdleTimeoutUnit(TimeUnit.SECONDS)
                .setMaxHeaderSize(16 * 1024)
                .setMaxInitialLineLength(16 * 1024)
                .setMaxFormAttributeSize(16 * 1024);
    }

    /**
     * Listens on {@code wanted} ("host:port", "[v6]:port", ":port", or a host alone for port 8443), or stops
     * listening for "". A 400 naming the reason when the address cannot be bound; the old listener then stays.
     */
    synchronized void apply(String wanted) {
        String next = wanted == null ? "" : wanted.trim();
        if (next.equals(address)) {
            return;
        }
        HttpServer bound = null;
        if (!next.isEmpty()) {
            ListenAddress parsed = ListenAddress.parse(next, DEFAULT_PORT);
            try {
                // Not Future.await(): this runs on a worker thread, where Vert.x refuses it.
                bound = vertx.createHttpServer(options).requestHandler(router)
                        .invalidRequestHandler(InvalidRequests::answer)
                        .listen(parsed.port(), parsed.host()).toCompletionStage().toCompletableFuture()
                        .get(10, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                throw ApiException.badRequest("Cannot listen on https socket \"" + next + "\": "
                        + e.getCause().getMessage());
            } catch (InterruptedException | TimeoutException e) {
                throw ApiException.internal("Cannot listen on https socket \"" + next + "\"", e);
            }
            addresses = reachable(parsed);
            LOG.info("listening on https://{}", next);
        } else {
            addresses = List.of();
        }
        closeServer();
        server = bound;
        address = next;
    }

    /** Where clients can reach the listener (what {@code GET /1.0} and trust tokens advertise). */
    List<String> addresses() {
        return addresses;
    }

    @Override
    public synchronized void close() {
        closeServer();
        address = "";
        addresses = List.of();
    }

    private void closeServer() {
        if (server != null) {
            try {
                server.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warn("cannot close the https listener cleanly", e);
            }
            server = null;
        }
    }

    /** A wildcard address is advertised as each of the host's addresses, as Incus does. */
    private static List<String> reachable(ListenAddress parsed) {
        if (!parsed.isWildcard()) {
            return List.of(parsed.toString());
        }
        List<String> result = new ArrayList<>();
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (InetAddress ip : Collections.list(nic.getInetAddresses())) {
                    if (ip.isLinkLocalAddress() || (ip instanceof Inet6Address && parsed.host().equals("0.0.0.0"))) {
                        continue;
                    }
                    result.add(new ListenAddress(ip.getHostAddress().replaceAll("%.*", ""), parsed.port())
                            .toString());
                }
            }
        } catch (SocketException e) {
            LOG.warn("cannot list the host's addresses", e);
        }
        return List.copyOf(result);
    }
}
