package dev.corral.openapi;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The document against a real Incus daemon, when one runs on this machine: its answers to read-only requests must
 * all be valid. Skipped where there is no Incus socket.
 */
class LiveIncusTest {

    private static final Path SOCKET = Path.of("/var/lib/incus/unix.socket");

    @BeforeAll
    static void needsIncus() {
        assumeTrue(answers(), "no Incus daemon at " + SOCKET);
    }

    /** A socket file alone proves nothing: a stopped daemon leaves it behind. */
    private static boolean answers() {
        if (!Files.isWritable(SOCKET)) {
            return false;
        }
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(SOCKET));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "/", "/1.0", "/1.0/projects", "/1.0/projects?recursion=1", "/1.0/projects/default",
        "/1.0/projects/no-such-project", "/1.0/operations", "/1.0/operations?recursion=1",
        "/1.0/operations/00000000-0000-4000-8000-000000000000",
        "/1.0/operations/00000000-0000-4000-8000-000000000000/wait?timeout=0",
        "/1.0/events", "/1.0/no-such-endpoint", "/1.0/",
        "/1.0/profiles", "/1.0/profiles?recursion=1", "/1.0/profiles/default", "/1.0/profiles/no-such-profile",
        "/1.0/storage-pools", "/1.0/storage-pools?recursion=1", "/1.0/storage-pools/no-such-pool",
        "/1.0/images", "/1.0/images?recursion=1", "/1.0/images/0000", "/1.0/images/0000/export",
        "/1.0/images/aliases", "/1.0/images/aliases?recursion=1", "/1.0/images/aliases/no-such-alias",
        "/1.0/instances", "/1.0/instances?recursion=1", "/1.0/instances?recursion=2",
        "/1.0/instances/no-such-instance", "/1.0/instances/no-such-instance?recursion=1",
        "/1.0/instances/no-such-instance/state", "/1.0/containers"})
    void realAnswerIsValid(String path) throws IOException {
        HttpAnswer answer = get(path);
        assertEquals(List.of(), CorralOpenApi.validateResponse("GET", path, answer.status(), answer.headers(),
                answer.body()), "GET " + path + " -> " + answer.status() + " " + answer.body());
    }

    private record HttpAnswer(int status, Map<String, String> headers, String body) {
    }

    /** One HTTP/1.0 GET over the unix socket (the daemon closes the connection after answering). */
    private static HttpAnswer get(String path) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(SOCKET));
            channel.write(ByteBuffer.wrap(("GET " + path + " HTTP/1.0\r\nHost: incus\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII)));
            ByteArrayOutputStream raw = new ByteArrayOutputStream();
            ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
            while (channel.read(buffer) >= 0) {
                buffer.flip();
                raw.write(buffer.array(), 0, buffer.limit());
                buffer.clear();
            }
            String text = raw.toString(StandardCharsets.UTF_8);
            int end = text.indexOf("\r\n\r\n");
            String[] lines = text.substring(0, end).split("\r\n");
            Map<String, String> headers = new HashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).trim());
            }
            return new HttpAnswer(Integer.parseInt(lines[0].split(" ")[1]), headers, text.substring(end + 4));
        }
    }
}
