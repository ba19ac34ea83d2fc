package dev.corral.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * A TLS 1.3 HTTP/1.1 server on a loopback port for tests: requires a client certificate (any), remembers the
 * fingerprints it saw, and answers like {@link FixedResponseServer}; or, when {@code silent}, completes the
 * handshake and then never answers. Its key and certificate, and the client's, are test-only files under
 * {@code src/test/resources/tls} (self-signed, made with {@code openssl req -x509 -newkey ec}).
 */
final class TlsResponseServer implements AutoCloseable {

    private final SSLServerSocket server;
    private final boolean silent;
    private final AtomicLong answered = new AtomicLong();
    private final Set<String> clientFingerprints = ConcurrentHashMap.newKeySet();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();

    TlsResponseServer(boolean silent) throws IOException, GeneralSecurityException {
        this.silent = silent;
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        char[] password = "test".toCharArray();
        store.setKeyEntry("server", ClientTls.readPrivateKey(resource("server.key")), password,
                ClientTls.readCertificates(resource("server.crt")));
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, password);
        SSLContext context = SSLContext.getInstance("TLSv1.3");
        context.init(keys.getKeyManagers(), new TrustManager[] {new AnyClient()}, null);
        this.server = (SSLServerSocket) context.getServerSocketFactory()
                .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        server.setNeedClientAuth(true);
        server.setEnabledProtocols(new String[] {"TLSv1.3"});
        Thread acceptor = new Thread(this::acceptLoop, "test-tls-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    static Path resource(String name) {
        try {
            return Path.of(TlsResponseServer.class.getResource("/tls/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    String hostPort() {
        return server.getInetAddress().getHostAddress() + ":" + server.getLocalPort();
    }

    long answered() {
        return answered.get();
    }

    Set<String> clientFingerprints() {
        return clientFingerprints;
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                SSLSocket c = (SSLSocket) server.accept();
                open.add(c);
                Thread t = new Thread(() -> serve(c), "test-tls-connection");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                // Closing the server ends accept() with an exception: that is how this loop stops.
                return;
            }
        }
    }

    private void serve(SSLSocket c) {
        try (c; InputStream in = new BufferedInputStream(c.getInputStream()); OutputStream out = c.getOutputStream()) {
            c.startHandshake();
            clientFingerprints.add(ClientTls.fingerprint((X509Certificate) c.getSession().getPeerCertificates()[0]));
            if (silent) {
                // Reads and drops requests until the client goes away.
                while (in.read() >= 0) {
                    continue;
                }
                return;
            }
            FixedResponseServer.answerRequests(in, out, answered, 0);
        } catch (IOException | GeneralSecurityException e) {
            // A client that rejects our certificate, or drops the connection when a test ends: nothing to assert.
            System.err.println("test TLS server connection ended: " + e);
        } finally {
            open.remove(c);
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket c : open) {
            c.close();
        }
    }

    /** Lets any client certificate complete the handshake; the tests look at which one came. */
    private static final class AnyClient implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
            // Accepted: recorded after the handshake.
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("server-side trust manager");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
