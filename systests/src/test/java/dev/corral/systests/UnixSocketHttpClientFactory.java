package dev.corral.systests;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;

import org.apache.http.client.HttpClient;
import org.apache.http.conn.ClientConnectionOperator;
import org.apache.http.conn.DnsResolver;
import org.apache.http.conn.scheme.Scheme;
import org.apache.http.conn.scheme.SchemeRegistry;
import org.apache.http.conn.scheme.SchemeSocketFactory;
import org.apache.http.impl.client.DefaultHttpClient;
import org.apache.http.impl.conn.BasicClientConnectionManager;
import org.apache.http.impl.conn.DefaultClientConnectionOperator;
import org.apache.http.params.HttpConnectionParams;
import org.apache.http.params.HttpParams;
import org.apache.http.protocol.HttpContext;

import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

import io.restassured.config.HttpClientConfig;

/**
 * Plugs a unix socket into REST-assured: REST-assured 5.5 drives Apache HttpClient 4 (the deprecated
 * {@code DefaultHttpClient} API), so every {@code http://} connection is opened as an {@code AFUNIXSocket} to one
 * socket path, whatever host the URI names; the host name is never looked up.
 */
@SuppressWarnings("deprecation") // HttpClient 4's scheme API is the one REST-assured 5.5 uses.
final class UnixSocketHttpClientFactory implements HttpClientConfig.HttpClientFactory {

    private final Path socket;

    UnixSocketHttpClientFactory(Path socket) {
        this.socket = socket;
    }

    @Override
    public HttpClient createHttpClient() {
        SchemeRegistry schemes = new SchemeRegistry();
        schemes.register(new Scheme("http", 80, new UnixSchemeSocketFactory(socket)));
        DefaultHttpClient client = new DefaultHttpClient(new UnixConnectionManager(schemes));
        HttpConnectionParams.setSoTimeout(client.getParams(), (int) UnixSockets.DEFAULT_READ_TIMEOUT.toMillis());
        HttpConnectionParams.setConnectionTimeout(client.getParams(), 10_000);
        return client;
    }

    /** Single-connection manager whose operator neither resolves host names nor sets TCP-only options. */
    private static final class UnixConnectionManager extends BasicClientConnectionManager {
        UnixConnectionManager(SchemeRegistry schemes) {
            super(schemes);
        }

        @Override
        protected ClientConnectionOperator createConnectionOperator(SchemeRegistry schemes) {
            DnsResolver noLookup = host -> new InetAddress[] {InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1})};
            return new DefaultClientConnectionOperator(schemes, noLookup) {
                @Override
                protected void prepareSocket(Socket sock, HttpContext context, HttpParams params) throws IOException {
                    sock.setSoTimeout(HttpConnectionParams.getSoTimeout(params));
                }
            };
        }
    }

    private static final class UnixSchemeSocketFactory implements SchemeSocketFactory {
        private final Path socket;

        UnixSchemeSocketFactory(Path socket) {
            this.socket = socket;
        }

        @Override
        public Socket createSocket(HttpParams params) throws IOException {
            return AFUNIXSocket.newInstance();
        }

        @Override
        public Socket connectSocket(Socket sock, InetSocketAddress remote, InetSocketAddress local, HttpParams params)
                throws IOException {
            Socket s = sock != null ? sock : createSocket(params);
            try {
                s.connect(AFUNIXSocketAddress.of(socket), HttpConnectionParams.getConnectionTimeout(params));
                return s;
            } catch (IOException | RuntimeException e) {
                s.close();
                throw e;
            }
        }

        @Override
        public boolean isSecure(Socket sock) {
            return false;
        }
    }
}
