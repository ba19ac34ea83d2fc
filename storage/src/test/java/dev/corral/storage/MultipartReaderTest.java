package dev.corral.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MultipartReaderTest {

    @Test
    void readsPartsAsGoWritesThem() throws IOException {
        byte[] meta = random(1000, 1);
        // Data that holds most of a delimiter, to catch a reader that splits at the wrong place.
        byte[] rootfs = ("\r\n--" + TestImages.BOUNDARY.substring(0, 20) + " and then more\r\n--").getBytes();
        byte[] body = TestImages.multipart("metadata", "meta.tar.gz", meta, "rootfs", "rootfs.tar.xz", rootfs);
        for (int chunk : new int[] {1, 3, 7, 64, 100_000}) {
            MultipartReader r = new MultipartReader(trickle(body, chunk), TestImages.BOUNDARY);
            MultipartReader.Part p1 = r.next();
            assertEquals("metadata", p1.name());
            assertEquals("meta.tar.gz", p1.filename());
            assertArrayEquals(meta, p1.data().readAllBytes());
            MultipartReader.Part p2 = r.next();
            assertEquals("rootfs", p2.name());
            assertEquals("rootfs.tar.xz", p2.filename());
            assertArrayEquals(rootfs, p2.data().readAllBytes(), "chunk " + chunk);
            assertNull(r.next());
            assertNull(r.next());
        }
    }

    @Test
    void unreadPartsAreSkipped() throws IOException {
        byte[] body = TestImages.multipart("metadata", "m", random(300_000, 2), "rootfs.img", "d", random(10, 3));
        MultipartReader r = new MultipartReader(new ByteArrayInputStream(body), TestImages.BOUNDARY);
        assertEquals("metadata", r.next().name());
        MultipartReader.Part p = r.next();
        assertEquals("rootfs.img", p.name());
        assertArrayEquals(random(10, 3), p.data().readAllBytes());
        assertNull(r.next());
    }

    @Test
    void truncatedBodyIsAnError() {
        byte[] body = TestImages.multipart("metadata", "m", random(5000, 4), "rootfs", "r", random(5000, 5));
        byte[] cut = java.util.Arrays.copyOf(body, body.length - 30);
        MultipartReader r = new MultipartReader(new ByteArrayInputStream(cut), TestImages.BOUNDARY);
        assertThrows(EOFException.class, () -> {
            while (r.next() != null) {
                // read on
            }
        });
    }

    @Test
    void contentDispositionParameters() {
        String v = " form-data; name=\"rootfs\"; filename=\"a \\\"quoted\\\" name.tar\"";
        assertEquals("rootfs", MultipartReader.parameter(v, "name"));
        assertEquals("a \"quoted\" name.tar", MultipartReader.parameter(v, "filename"));
        assertEquals("x", MultipartReader.parameter("form-data; name=x", "name"));
        assertNull(MultipartReader.parameter("form-data; name=x", "filename"));
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** A stream that gives at most {@code chunk} bytes per read. */
    private static InputStream trickle(byte[] data, int chunk) {
        return new FilterInputStream(new ByteArrayInputStream(data)) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return super.read(b, off, Math.min(len, chunk));
            }
        };
    }
}
