package dev.corral.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ResponseReaderTest {

    private static final String CHUNKED = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nA;ext=1\r\n0123456789\r\n0\r\nX-Trailer: 1\r\n\r\n";
    private static final String SIZED = "HTTP/1.1 404 Not Found\r\nContent-Length: 7\r\n\r\nmissing";

    /** Hands out at most {@code step} bytes per read, to exercise every buffer boundary. */
    private static final class Trickle implements ReadableByteChannel {
        private final ByteBuffer data;
        private final int step;

        Trickle(String text, int step) {
            this.data = ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1));
            this.step = step;
        }

        @Override
        public int read(ByteBuffer dst) {
            if (!data.hasRemaining()) {
                return -1;
            }
            int n = Math.min(step, Math.min(dst.remaining(), data.remaining()));
            ByteBuffer slice = data.slice().limit(n);
            dst.put(slice);
            data.position(data.position() + n);
            return n;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }

    @Test
    void readsBackToBackResponsesWhateverTheReadSize() throws IOException {
        for (int step : new int[] {1, 3, 7, 1 << 20}) {
            ResponseReader reader = new ResponseReader(new Trickle(CHUNKED + SIZED + CHUNKED, step));
            assertEquals(new ResponseReader.Response(200, false, 15), reader.read(false), "step " + step);
            assertEquals(new ResponseReader.Response(404, false, 7), reader.read(false), "step " + step);
            assertTrue(reader.read(false).success(), "step " + step);
            assertThrows(EOFException.class, () -> reader.read(false), "step " + step);
        }
    }

    @Test
    void copiesBodiesToTheSinkWithoutChunkFraming() throws IOException {
        for (int step : new int[] {1, 4, 1 << 20}) {
            ResponseReader reader = new ResponseReader(new Trickle(CHUNKED + SIZED, step));
            java.io.ByteArrayOutputStream sink = new java.io.ByteArrayOutputStream();
            assertEquals(15, reader.read(false, sink).bodyBytes());
            assertEquals("hello0123456789", sink.toString(StandardCharsets.ISO_8859_1), "step " + step);
            sink.reset();
            assertEquals(404, reader.read(false, sink).status());
            assertEquals("missing", sink.toString(StandardCharsets.ISO_8859_1), "step " + step);
        }
    }

    @Test
    void honoursConnectionClose() throws IOException {
        ResponseReader reader = new ResponseReader(new Trickle(
                "HTTP/1.1 503 Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n", 64));
        ResponseReader.Response r = reader.read(false);
        assertEquals(503, r.status());
        assertTrue(r.closeConnection());
        assertFalse(r.success());
    }

    @Test
    void http10ClosesUnlessKeptAlive() throws IOException {
        assertTrue(new ResponseReader(new Trickle("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", 64))
                .read(false).closeConnection());
        assertFalse(new ResponseReader(new Trickle(
                "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n", 64))
                .read(false).closeConnection());
    }

    @Test
    void bodyWithoutLengthRunsToEndOfStream() throws IOException {
        ResponseReader.Response r = new ResponseReader(new Trickle("HTTP/1.1 200 OK\r\n\r\nall of it", 2))
                .read(false);
        assertEquals(200, r.status());
        assertTrue(r.closeConnection());
        assertEquals(9, r.bodyBytes());
    }

    @Test
    void headAnd204HaveNoBody() throws IOException {
        ResponseReader reader = new ResponseReader(new Trickle(
                "HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n" + SIZED, 5));
        assertEquals(200, reader.read(true).status());
        assertEquals(204, reader.read(false).status());
        assertEquals(404, reader.read(false).status());
    }

    @Test
    void rejectsGarbage() {
        assertThrows(IOException.class, () -> new ResponseReader(new Trickle("SSH-2.0-OpenSSH\r\n\r\n", 64))
                .read(false));
        assertThrows(IOException.class, () -> new ResponseReader(new Trickle(
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 64)).read(false));
        assertThrows(IOException.class, () -> new ResponseReader(new Trickle(
                "HTTP/1.1 200 OK\r\nX: " + "y".repeat(20_000) + "\r\n\r\n", 4096)).read(false));
    }
}
