package dev.corral.storage;

import static dev.corral.storage.DirPoolTest.ID_MAP;
import static dev.corral.storage.DirPoolTest.assertOwner;
import static dev.corral.storage.DirPoolTest.mode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corral.instance.InstanceRef;
import dev.corral.instance.InstanceType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The built-in image, made by {@code packaging/images/build-busybox-image.sh}: reproducible, importable, and a
 * container volume made from it is shifted. Prints the timings. Needs root (the script may install busybox-static;
 * volumes set owners).
 */
class BusyboxImageTest {

    private Path work;

    @BeforeEach
    void setUp() throws IOException {
        Assumptions.assumeTrue(TestImages.isRoot(), "the busybox image test needs root");
        Path out = Path.of(System.getProperty("corral.test.out", "target"));
        Files.createDirectories(out);
        work = Files.createTempDirectory(out, "busybox-image-test");
    }

    @AfterEach
    void cleanUp() throws IOException {
        if (work != null) {
            FileTrees.deleteTree(work);
        }
    }

    @Test
    void buildImportAndMakeVolumes() throws Exception {
        String[] built = build(work.resolve("out1"));
        Path image = Path.of(built[0]);
        String version = built[3];
        byte[] bytes = Files.readAllBytes(image);
        assertEquals(TestImages.sha256(bytes), built[1]);
        assertEquals(built[1], build(work.resolve("out2"))[1], "two builds give the same fingerprint");

        ImageStore store = new ImageStore(work.resolve("images"));
        long t0 = System.nanoTime();
        ImageInfo info;
        try (InputStream in = Files.newInputStream(image)) {
            info = store.importImage(in, TestImages.unifiedUpload("busybox.tar.gz"), bytes.length, Progress.NONE);
        }
        long importNanos = System.nanoTime() - t0;
        assertEquals(built[1], info.fingerprint());
        assertEquals(InstanceType.CONTAINER, info.type());
        assertEquals(built[4], info.architecture());
        assertEquals("busybox", info.properties().get("os"));
        assertEquals(version, info.properties().get("release"));
        assertEquals("BusyBox " + version + " (Corral built-in)", info.properties().get("description"));
        assertEquals(List.of("create", "copy"), info.metadata().templates().get("/etc/hostname").when());

        DirPool pool = new DirPool("default", work.resolve("storage-pools/default"), store);
        long[] create = new long[20];
        for (int i = 0; i < create.length; i++) {
            long s = System.nanoTime();
            pool.createInstanceVolume(new InstanceRef("default", "c" + i), info.fingerprint(), ID_MAP);
            create[i] = System.nanoTime() - s;
        }

        Path vol = pool.volumePath(new InstanceRef("default", "c0"), InstanceType.CONTAINER);
        Path rootfs = vol.resolve("rootfs");
        assertOwner(1_000_000, 1_000_000, rootfs.resolve("bin/busybox"));
        assertEquals(0755, mode(rootfs.resolve("bin/busybox")));
        assertEquals("../bin/busybox", Files.readSymbolicLink(rootfs.resolve("sbin/init")).toString());
        assertEquals("busybox", Files.readSymbolicLink(rootfs.resolve("bin/sh")).toString());
        assertEquals("../../bin/busybox", Files.readSymbolicLink(rootfs.resolve("usr/bin/wc")).toString());
        assertEquals(01777, mode(rootfs.resolve("tmp")));
        assertEquals(0700, mode(rootfs.resolve("root")));
        for (String dir : List.of("proc", "sys", "dev", "run", "etc", "root", "tmp")) {
            assertTrue(Files.isDirectory(rootfs.resolve(dir)), dir);
        }
        String inittab = Files.readString(rootfs.resolve("etc/inittab"));
        assertTrue(inittab.contains("::sysinit:/etc/init.d/rcS"), inittab);
        assertTrue(Files.readString(rootfs.resolve("etc/passwd")).startsWith("root:x:0:0:"));
        assertTrue(Files.isRegularFile(vol.resolve("templates/hostname.tpl")));

        long s = System.nanoTime();
        for (int i = 0; i < create.length; i++) {
            pool.deleteInstanceVolume(new InstanceRef("default", "c" + i), InstanceType.CONTAINER);
        }
        long deleteNanos = (System.nanoTime() - s) / create.length;

        long[] copies = Arrays.copyOfRange(create, 1, create.length);
        Arrays.sort(copies);
        System.out.printf("busybox image %s (%d bytes): import %.1f ms; createInstanceVolume first (unpack + copy)"
                + " %.1f ms, then median %.1f ms (min %.1f, max %.1f) over %d; delete %.1f ms each%n",
                info.fingerprint().substring(0, 12), bytes.length, importNanos / 1e6, create[0] / 1e6,
                copies[copies.length / 2] / 1e6, copies[0] / 1e6, copies[copies.length - 1] / 1e6, copies.length,
                deleteNanos / 1e6);
    }

    /** Runs the script; returns its summary line's fields: path, sha256, "busybox", version, architecture. */
    private static String[] build(Path outDir) throws IOException, InterruptedException {
        String script = System.getProperty("corral.busybox.script",
                "../packaging/images/build-busybox-image.sh");
        Path errors = Files.createTempFile(outDir.getParent(), "build", ".err");
        Process p = new ProcessBuilder("bash", script, outDir.toString()).redirectError(errors.toFile()).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        String err = Files.readString(errors);
        assertEquals(0, p.waitFor(), "build-busybox-image.sh failed: " + out + "\n" + err);
        String[] fields = out.lines().reduce((a, b) -> b).orElse("").split(" ");
        assertEquals(5, fields.length, "summary line: " + out);
        return fields;
    }
}
