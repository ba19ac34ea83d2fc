package dev.corral.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TarReaderTest {

    @TempDir
    Path tmp;

    @Test
    void readsOurOwnEntries() throws IOException {
        byte[] xattr = {1, 0, 0, 2, (byte) 0x80, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        String longName = "rootfs/" + "d".repeat(120) + "/file";
        byte[] tar = new TarBuilder()
                .dir("rootfs", 0755, 0, 0)
                .file("rootfs/bin/su", "x".getBytes(), 04755, 0, 0, Map.of("security.capability", xattr))
                .file(longName, "long".getBytes(), 0600, 1000, 1001, Map.of())
                .symlink("rootfs/bin/sh", "busybox")
                .hardlink("rootfs/bin/su2", "rootfs/bin/su")
                .charDevice("rootfs/dev/null", 1, 3)
                .fifo("rootfs/run/fifo")
                .tar();
        TarReader r = new TarReader(new ByteArrayInputStream(tar));
        List<TarReader.Entry> entries = new ArrayList<>();
        TarReader.Entry e;
        while ((e = r.next()) != null) {
            entries.add(e);
            if (e.name().equals(longName)) {
                assertArrayEquals("long".getBytes(), r.content().readAllBytes());
            }
        }
        assertEquals(7, entries.size());
        assertEquals(TarReader.Type.DIRECTORY, entries.get(0).type());
        TarReader.Entry su = entries.get(1);
        assertEquals(04755, su.mode());
        assertArrayEquals(xattr, su.xattrs().get("security.capability"));
        TarReader.Entry lf = entries.get(2);
        assertEquals(longName, lf.name());
        assertEquals(1000, lf.uid());
        assertEquals(1001, lf.gid());
        assertEquals("busybox", entries.get(3).linkName());
        assertEquals(TarReader.Type.HARDLINK, entries.get(4).type());
        assertEquals(1, entries.get(5).devMajor());
        assertEquals(3, entries.get(5).devMinor());
        assertEquals(TarReader.Type.FIFO, entries.get(6).type());
    }

    /** GNU tar writes binary xattr values raw in PAX records; they must come out byte for byte. */
    @Test
    void readsGnuTarXattrsAsBytes() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("src"));
        Path f = Files.writeString(dir.resolve("f"), "data");
        byte[] value = {(byte) 0xff, 0, (byte) 0x80, 'b', 'i', 'n'};
        Posix.setXattr(f, "user.binary", value);
        Path tarball = tmp.resolve("x.tar");
        Process p = new ProcessBuilder("tar", "--xattrs", "--xattrs-include=*", "-C", dir.toString(), "-cf",
                tarball.toString(), "f").redirectErrorStream(true).start();
        assertEquals(0, p.waitFor(), new String(p.getInputStream().readAllBytes()));

        TarReader r = new TarReader(Files.newInputStream(tarball));
        TarReader.Entry e = r.next();
        assertEquals("f", e.name());
        assertArrayEquals(value, e.xattrs().get("user.binary"));
        assertArrayEquals("data".getBytes(), r.content().readAllBytes());
        assertNull(r.next());
    }

    @Test
    void numbers() throws IOException {
        byte[] h = new byte[12];
        System.arraycopy("0000644 \0".getBytes(), 0, h, 0, 9);
        assertEquals(0644, TarReader.number(h, 0, 12));
        byte[] big = {(byte) 0x80, 0, 0, 0, (byte) 0xb2, (byte) 0xd0, 0x5e, 0};
        assertEquals(3_000_000_000L, TarReader.number(big, 0, 8));
        assertThrows(IOException.class, () -> TarReader.number("12389".getBytes(), 0, 5));
    }

    @Test
    void refusesWhatItCannotExtractFaithfully() {
        byte[] sparse = new TarBuilder().entry("s", 'S', 0644, 0, 0, new byte[0], "", 0, 0, Map.of()).tar();
        IOException e = assertThrows(IOException.class, () -> new TarReader(new ByteArrayInputStream(sparse)).next());
        assertEquals("sparse files in the tarball are not supported", e.getMessage());

        byte[] bad = new TarBuilder().file("a", "b").tar();
        bad[148] = '7';
        IOException c = assertThrows(IOException.class, () -> new TarReader(new ByteArrayInputStream(bad)).next());
        assertEquals("not a tar archive (header checksum mismatch)", c.getMessage());
    }
}
