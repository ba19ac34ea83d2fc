package dev.corral.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import javax.net.ssl.SSLSocketFactory;

/**
 * Where {@link RequestBench} sends its requests: a daemon's unix socket, or its HTTPS listener with a client
 * certificate. A plain description (parsing reads no file); {@link #connector()} loads what connecting needs, once.
 */
sealed interface Endpoint permits Endpoint.Unix, Endpoint.Https {

    /** Opens new connections to one endpoint; called by each worker, again only after a failure. */
    @FunctionalInterface
    interface Connector {
        HttpConnection open() throws IOException;
    }

    /** The endpoint as people write it: a socket path or {@code https://host:port}. */
    String describe();

    /**
     * Prepares connecting (for HTTPS: reads the certificate and key and builds the TLS context).
     *
     * @throws IOException              when a file cannot be read or is not what it should be
     * @throws GeneralSecurityException when the JDK refuses the key or certificate
     */
    Connector connector() throws IOException, GeneralSecurityException;

    /** A unix domain socket. */
    record Unix(Path socket) implements Endpoint {
        @Override
        public String describe() {
            return socket.toString();
        }

        @Override
        public Connector connector() {
            return () -> HttpConnection.open(socket);
        }
    }

    /**
     * An HTTPS listener; TLS 1.3, presenting {@code cert} with {@code key} (PEM, PKCS#8).
     *
     * @param serverFingerprint SHA-256 of the server certificate (hex, colons allowed) to insist on, or null to
     *                          accept any server certificate
     */
    record Https(String host, int port, Path cert, Path key, String serverFingerprint) implements Endpoint {

        /** Parses {@code host:port} or {@code [v6]:port}; the other fields are taken as given. */
        static Https parse(String hostPort, Path cert, Path key, String serverFingerprint) {
            int colon = hostPort.lastIndexOf(':');
            if (colon <= 0 || colon == hostPort.length() - 1) {
                throw new IllegalArgumentException("--https wants HOST:PORT: " + hostPort);
            }
            String host = hostPort.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            } else if (host.contains(":")) {
                throw new IllegalArgumentException("--https: write an IPv6 address in brackets: " + hostPort);
            }
            int port;
            try {
                port = Integer.parseInt(hostPort.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--https: the port is not a number: " + hostPort, e);
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("--https: the port is out of range: " + hostPort);
            }
            return new Https(host, port, cert, key, serverFingerprint);
        }

        @Override
        public String describe() {
            return "https://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }

        @Override
        public Connector connector() throws IOException, GeneralSecurityException {
            SSLSocketFactory factory = ClientTls.socketFactory(cert, key, serverFingerprint);
            InetSocketAddress address = new InetSocketAddress(host, port);
            return () -> HttpConnection.openTls(factory, address);
        }
    }
}
