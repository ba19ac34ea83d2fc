package dev.corral.systests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Throws a few thousand malformed, hostile and oversized requests at both listeners (the unix socket and HTTPS on
 * loopback, with and without a trusted certificate). Every one must get a 4xx Incus error envelope, the daemon must
 * stay up, and afterwards it must hold no more threads or descriptors than before. Seeded: a failure replays.
 */
class FuzzTest {

    @RegisterExtension
    static final Corrald corrald = Corrald.create();

    private static final long SEED = 20261123L;
    /** Per listener: the unix socket, and HTTPS (split between a trusted and an anonymous client). */
    private static final int REQUESTS_PER_LISTENER = 1000;
    private static final int WARM_UP = 150;
    /** Vert.x's default worker pool size. */
    private static final int VERTX_WORKERS = 20;
    private static final int SLACK = 4;

    private static int port;
    private static SSLContext trusted;

    @BeforeAll
    static void listen() throws IOException {
        corrald.assumeCorrald("counts the daemon's threads and descriptors");
        port = TrustTest.freePort();
        Envelopes.sync(Api.given(corrald).body(Map.of("config", Map.of("core.https_address", "127.0.0.1:" + port)))
                .patch("/1.0"));
        TlsIdentity identity = TlsIdentity.generate("fuzzer");
        assertEquals(201, Api.given(corrald).body(Map.of("type", "client", "certificate", identity.pem()))
                .post("/1.0/certificates").statusCode());
        trusted = identity.sslContext();
    }

    @Test
    void everyBadRequestGetsAnErrorEnvelopeAndNothingLeaks() throws Exception {
        List<Connector> listeners = List.of(this::unix, () -> tls(trusted), () -> tls(TlsIdentity.anonymous()));
        Random random = new Random(SEED);
        for (int i = 0; i < WARM_UP; i++) {
            send(listeners.get(i % listeners.size()), BadRequests.next(random));
        }
        // Vert.x adds a worker thread per blocking call until its pool is full: fill it before counting.
        for (int i = 0; i < 2 * VERTX_WORKERS; i++) {
            Envelopes.sync(Api.given(corrald).get("/1.0/storage-pools/default/volumes"));
        }
        long pid = corrald.process().orElseThrow().pid();
        int threadsBefore = threads(pid);
        int descriptorsBefore = descriptors(pid);

        for (int i = 0; i < REQUESTS_PER_LISTENER * 2; i++) {
            send(listeners.get(i % listeners.size()), BadRequests.next(random));
        }

        Envelopes.sync(Api.given(corrald).get("/1.0"));
        assertSettles(() -> threads(pid), threadsBefore, "threads");
        assertSettles(() -> descriptors(pid), descriptorsBefore, "descriptors");
    }

    /** Sends one request on a fresh connection and checks the answer. */
    private static void send(Connector connector, BadRequests.Request request) throws IOException {
        try (Socket socket = connector.open()) {
            socket.setSoTimeout(15_000);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(request.bytes());
                out.flush();
            } catch (IOException e) {
                // The daemon may answer and close before reading everything (an oversized body): read its answer.
            }
            String answer = readAnswer(socket.getInputStream());
            check(request, answer);
        }
    }

    private static void check(BadRequests.Request request, String answer) {
        if (answer.isEmpty()) {
            fail("no answer to " + request);
        }
        int status = Integer.parseInt(answer.substring(9, 12));
        assertTrue(status >= 400 && status < 500, () -> "status " + status + " for " + request + "\n" + answer);
        String body = answer.substring(answer.indexOf("\r\n\r\n") + 4);
        JsonNode envelope = Envelopes.errorBody(body);
        assertEquals(status, envelope.get("error_code").asInt(), () -> "error_code for " + request);
    }

    /** Reads one HTTP answer: the head, then Content-Length bytes of body (or until the daemon closes). */
    private static String readAnswer(InputStream in) throws IOException {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        int headEnd = -1;
        long wanted = Long.MAX_VALUE;
        int n;
        while (raw.size() < wanted && (n = read(in, buffer)) > 0) {
            raw.write(buffer, 0, n);
            if (headEnd < 0) {
                String text = raw.toString(StandardCharsets.ISO_8859_1);
                headEnd = text.indexOf("\r\n\r\n");
                if (headEnd >= 0) {
                    wanted = headEnd + 4 + contentLength(text.substring(0, headEnd));
                }
            }
        }
        return raw.toString(StandardCharsets.UTF_8);
    }

    private static int read(InputStream in, byte[] buffer) throws IOException {
        try {
            return in.read(buffer);
        } catch (java.net.SocketException e) {
            return -1; // reset after the answer
        }
    }

    private static long contentLength(String head) {
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) {
                return Long.parseLong(line.substring(15).trim());
            }
        }
        return Long.MAX_VALUE;
    }

    private static void assertSettles(Supplier<Integer> count, int before, String what) throws InterruptedException {
        int now = count.get();
        for (int i = 0; i < 50 && now > before + SLACK; i++) {
            Thread.sleep(200);
            now = count.get();
        }
        assertTrue(now <= before + SLACK, what + ": " + before + " before, " + now + " after");
    }

    private static int threads(long pid) {
        try {
            return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
                    .filter(line -> line.startsWith("Threads:"))
                    .mapToInt(line -> Integer.parseInt(line.substring(8).trim()))
                    .findFirst().orElseThrow();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int descriptors(long pid) {
        try (Stream<Path> fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            return (int) fds.count();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @FunctionalInterface
    private interface Connector {
        Socket open() throws IOException;
    }

    private Socket unix() throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        channel.connect(UnixDomainSocketAddress.of(corrald.socket()));
        return new ChannelSocket(channel);
    }

    private static Socket tls(SSLContext context) throws IOException {
        Socket socket = context.getSocketFactory().createSocket("127.0.0.1", port);
        socket.setTcpNoDelay(true);
        return socket;
    }

    /** A unix-domain channel seen as a Socket, so both listeners share one sending loop. */
    private static final class ChannelSocket extends Socket {
        private final SocketChannel channel;

        ChannelSocket(SocketChannel channel) {
            this.channel = channel;
        }

        @Override
        public InputStream getInputStream() {
            return Channels.newInputStream(channel);
        }

        @Override
        public OutputStream getOutputStream() {
            return Channels.newOutputStream(channel);
        }

        @Override
        public void setSoTimeout(int timeout) {
            // Channels have no read timeout; the daemon answers or closes, and the build's timeout bounds the rest.
        }

        @Override
        public synchronized void close() throws IOException {
            channel.close();
        }
    }

    /** The generator of bad requests. */
    static final class BadRequests {

        record Request(String kind, byte[] bytes) {
            @Override
            public String toString() {
                String text = new String(bytes, 0, Math.min(bytes.length, 300), StandardCharsets.ISO_8859_1);
                return kind + " (" + bytes.length + " bytes): " + text.replace("\r\n", "\\r\\n");
            }
        }

        private static final String[] JSON_ROUTES = {"POST /1.0/instances", "POST /1.0/profiles", "PUT /1.0",
            "PATCH /1.0", "POST /1.0/certificates", "POST /1.0/images/aliases", "PUT /1.0/profiles/default",
            "POST /1.0/instances/x/exec", "PUT /1.0/instances/x/state", "POST /1.0/storage-pools/default/volumes/custom",
            "PATCH /1.0/storage-pools/default/volumes/custom/x"};
        private static final String[] BAD_JSON = {"{", "[", "nul", "{\"name\":", "{\"name\": 5}", "\"str\"", "42",
            "{\"config\": []}", "{\"config\": {\"a\": {}}}", "{\"devices\": \"x\"}", "{\"unknown_field\": 1}",
            "{\"name\":\"\\ud800\"}", "{\"source\": {\"type\": 7}}", "{\"token\": \"yes\"}", "\u0000\u0001\u0002",
            "{\"a\":1,}", "{'single':'quotes'}"};

        private BadRequests() {
        }

        static Request next(Random random) {
            // Oversized bodies are costly to send (over TLS too): one request in forty.
            int kind = random.nextInt(40) == 0 ? 4 : new int[] {0, 1, 2, 3, 5, 6, 7, 8}[random.nextInt(8)];
            return switch (kind) {
                case 0 -> new Request("garbage line", bytes(randomText(random, 1 + random.nextInt(200)) + "\r\n\r\n"));
                case 1 -> new Request("random path", head("GET", "/1.0/zz" + randomPath(random), ""));
                case 2 -> json(random, BAD_JSON[random.nextInt(BAD_JSON.length)]);
                case 3 -> json(random, "[".repeat(5000 + random.nextInt(50000)));
                case 4 -> json(random, "{\"description\":\"" + "x".repeat(5 << 20) + "\"}");
                case 5 -> new Request("long uri", head("GET", "/1.0/" + "a".repeat(20000 + random.nextInt(5000)), ""));
                case 6 -> new Request("long header", head("GET", "/1.0/instances", "X-Junk: "
                        + "b".repeat(20000 + random.nextInt(5000)) + "\r\n"));
                case 7 -> new Request("bad chunk", bytes("POST /1.0/profiles HTTP/1.1\r\nHost: corral\r\n"
                        + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n{}\r\n0\r\n\r\n"));
                default -> new Request("odd method", head(new String[] {"BREW", "TRACE", "PROPFIND", "M-SEARCH"}
                        [random.nextInt(4)], "/1.0/instances", ""));
            };
        }

        private static Request json(Random random, String body) {
            String route = JSON_ROUTES[random.nextInt(JSON_ROUTES.length)];
            int space = route.indexOf(' ');
            byte[] content = body.getBytes(StandardCharsets.UTF_8);
            byte[] head = bytes(route.substring(0, space) + " " + route.substring(space + 1) + " HTTP/1.1\r\n"
                    + "Host: corral\r\nContent-Type: application/json\r\nContent-Length: " + content.length
                    + "\r\nConnection: close\r\n\r\n");
            byte[] all = new byte[head.length + content.length];
            System.arraycopy(head, 0, all, 0, head.length);
            System.arraycopy(content, 0, all, head.length, content.length);
            return new Request("json " + route, all);
        }

        private static byte[] head(String method, String path, String extraHeaders) {
            return bytes(method + " " + path + " HTTP/1.1\r\nHost: corral\r\n" + extraHeaders
                    + "Connection: close\r\n\r\n");
        }

        private static String randomPath(Random random) {
            String alphabet = "abz09-_.~%/?&=;:@!$'()*+,[]{}|\\^`\"<> \t";
            StringBuilder path = new StringBuilder();
            for (int i = random.nextInt(100); i > 0; i--) {
                path.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            return path.toString().replace(" ", "%20").replace("\t", "%09");
        }

        private static String randomText(Random random, int length) {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < length; i++) {
                text.append((char) (1 + random.nextInt(254)));
            }
            return text.toString().replace("\r\n\r\n", "..");
        }

        private static byte[] bytes(String text) {
            return text.getBytes(StandardCharsets.ISO_8859_1);
        }
    }

}
