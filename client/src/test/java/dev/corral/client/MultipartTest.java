package dev.corral.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MultipartTest {

    @TempDir
    Path dir;

    static byte[] random(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    Path body(String boundary, String preamble, byte[]... parts) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(preamble.getBytes(StandardCharsets.ISO_8859_1));
        String[] names = {"metadata", "rootfs"};
        for (int i = 0; i < parts.length; i++) {
            out.writeBytes(Multipart.partHeader(boundary, names[i], "f" + i, i == 0)
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.writeBytes(parts[i]);
        }
        out.writeBytes(Multipart.closing(boundary).getBytes(StandardCharsets.ISO_8859_1));
        Path body = dir.resolve("body");
        Files.write(body, out.toByteArray());
        return body;
    }

    @Test
    void splitsPartsLargerThanItsBuffer() throws IOException {
        byte[] meta = random(1000, 1);
        byte[] rootfs = random(300_000, 2); // several buffers; the delimiter may straddle two reads
        List<Multipart.Part> parts = Multipart.split(body("b0undary", "", meta, rootfs), "b0undary",
                (field, file) -> dir.resolve(field));
        assertEquals(List.of("metadata", "rootfs"), parts.stream().map(Multipart.Part::name).toList());
        assertEquals("f1", parts.get(1).filename());
        assertArrayEquals(meta, Files.readAllBytes(dir.resolve("metadata")));
        assertArrayEquals(rootfs, Files.readAllBytes(dir.resolve("rootfs")));
    }

    @Test
    void contentThatLooksLikeTheBoundaryIsData() throws IOException {
        byte[] tricky = "--xyz is not \r\n--xy a delimiter\r\n-".getBytes(StandardCharsets.ISO_8859_1);
        Multipart.split(body("xyz", "a preamble\r\n", tricky), "xyz", (field, file) -> dir.resolve(field));
        assertArrayEquals(tricky, Files.readAllBytes(dir.resolve("metadata")));
    }

    @Test
    void aTruncatedBodyFails() throws IOException {
        Path body = dir.resolve("truncated");
        Files.writeString(body, "--b\r\nContent-Disposition: form-data; name=\"metadata\"\r\n\r\nunfinished");
        assertThrows(IOException.class, () -> Multipart.split(body, "b", (field, file) -> dir.resolve(field)));
    }

    @Test
    void headerValues() {
        assertEquals("abc", Multipart.boundary("multipart/form-data; boundary=abc"));
        assertEquals("a b", Multipart.boundary("multipart/form-data; boundary=\"a b\""));
        assertNull(Multipart.boundary("application/octet-stream"));
        assertEquals("busybox.tar.gz", Multipart.filename("attachment; filename=busybox.tar.gz"));
        assertEquals("x y", Multipart.filename("form-data; name=\"m\"; filename=\"x y\""));
        assertEquals("fp", ImagesImpl.safeName("../..", "fp"));
        assertEquals("passwd", ImagesImpl.safeName("/etc/passwd", "fp"));
        assertEquals("fp", ImagesImpl.safeName(null, "fp"));
    }
}
