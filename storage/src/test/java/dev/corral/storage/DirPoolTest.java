package dev.corral.storage;

import static dev.corral.storage.ImageStoreTest.assertStatus;
import static dev.corral.storage.TestImages.importBytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corral.api.ApiException;
import dev.corral.instance.IdMap;
import dev.corral.instance.InstanceRef;
import dev.corral.instance.InstanceType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Volumes on a dir pool. Needs root (owners are set): skipped otherwise. */
class DirPoolTest {

    static final IdMap ID_MAP = new IdMap(1_000_000, 1_000_000, 1_000_000_000);
    static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

    /** security.capability revision 2, effective, cap_setuid (bit 7: a byte UTF-8 decoding would mangle). */
    static final byte[] CAP_V2 = capV2(1 << 7);

    @TempDir
    Path tmp;

    ImageStore store;
    DirPool pool;

    @BeforeEach
    void open() {
        Assumptions.assumeTrue(TestImages.isRoot(), "dir pool tests set file owners: they need root");
        store = new ImageStore(tmp.resolve("images"));
        pool = new DirPool("default", tmp.resolve("storage-pools/default"), store);
    }

    static InstanceRef ref(String name) {
        return new InstanceRef("default", name);
    }

    /** An image with one of each kind of entry. */
    static byte[] richImage() {
        return new TarBuilder()
                .metadata(TarBuilder.metadataYaml())
                .dir("templates").file("templates/hostname.tpl", "{{ instance.name }}\n")
                .dir("rootfs")
                .dir("rootfs/bin")
                .file("rootfs/bin/tool", "tool".getBytes(), 0755, 0, 0, Map.of())
                .hardlink("rootfs/bin/tool2", "rootfs/bin/tool")
                .symlink("rootfs/bin/sh", "tool")
                .dir("rootfs/usr").dir("rootfs/usr/bin")
                .file("rootfs/usr/bin/passwd", "pw".getBytes(), 04755, 0, 0, Map.of("security.capability", CAP_V2))
                .dir("rootfs/home")
                .dir("rootfs/home/user", 0750, 1000, 1000)
                .file("rootfs/home/user/.profile", "x".getBytes(), 0640, 1000, 1000,
                        Map.of("user.note", new byte[] {(byte) 0xff, 0, 1}))
                .file("rootfs/home/user/acl", "a".getBytes(), 0664, 1000, 1000,
                        Map.of("system.posix_acl_access", acl(1000)))
                .dir("rootfs/tmp", 01777, 0, 0)
                .dir("rootfs/run").fifo("rootfs/run/fifo")
                .dir("rootfs/lib").charDevice("rootfs/lib/null", 1, 3)
                .dir("rootfs/dev").charDevice("rootfs/dev/console", 5, 1)
                .tarGz();
    }

    @Test
    void containerVolumeIsShiftedIntoTheIdMap() throws IOException {
        ImageInfo image = importBytes(store, richImage(), TestImages.unifiedUpload("rich.tar.gz"));

        Path vol = pool.createInstanceVolume(ref("c1"), image.fingerprint(), ID_MAP);

        assertEquals(tmp.resolve("storage-pools/default/containers/c1"), vol);
        assertEquals(0100, mode(vol));
        assertOwner(1_000_000, 1_000_000, vol);
        Path rootfs = vol.resolve("rootfs");
        assertOwner(1_000_000, 1_000_000, rootfs);
        assertOwner(1_000_000, 1_000_000, rootfs.resolve("bin/tool"));
        assertEquals(0755, mode(rootfs.resolve("bin/tool")));
        assertEquals(FileTime.fromMillis(1_700_000_000_000L), Files.getLastModifiedTime(rootfs.resolve("bin/tool")));
        assertOwner(1_001_000, 1_001_000, rootfs.resolve("home/user"));
        assertEquals(0750, mode(rootfs.resolve("home/user")));
        assertEquals(01777, mode(rootfs.resolve("tmp")));

        // setuid survives the chown; the capability is rewritten for the container's root (revision 3).
        Path passwd = rootfs.resolve("usr/bin/passwd");
        assertEquals(04755, mode(passwd));
        byte[] cap = Posix.getXattr(passwd, "security.capability");
        ByteBuffer b = ByteBuffer.wrap(cap).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(24, cap.length);
        assertEquals(0x03000001, b.getInt(0));
        assertEquals(1 << 7, b.getInt(4));
        assertEquals(1_000_000, b.getInt(20));

        assertArrayEquals(new byte[] {(byte) 0xff, 0, 1}, Posix.getXattr(rootfs.resolve("home/user/.profile"),
                "user.note"));
        byte[] acl = Posix.getXattr(rootfs.resolve("home/user/acl"), "system.posix_acl_access");
        assertArrayEquals(acl(1_001_000), acl);

        Path sh = rootfs.resolve("bin/sh");
        assertTrue(Files.isSymbolicLink(sh));
        assertEquals("tool", Files.readSymbolicLink(sh).toString());
        assertOwner(1_000_000, 1_000_000, sh);

        // The hard link stays one inside the volume, and the volume shares no inode with the unpacked image.
        Object ino = Files.getAttribute(rootfs.resolve("bin/tool"), "unix:ino");
        assertEquals(ino, Files.getAttribute(rootfs.resolve("bin/tool2"), "unix:ino"));
        Path cached = tmp.resolve("storage-pools/default/images/" + image.fingerprint() + "/rootfs/bin/tool");
        assertNotEquals(ino, Files.getAttribute(cached, "unix:ino"));
        assertOwner(0, 0, cached);

        assertEquals(Posix.S_IFIFO, fileType(rootfs.resolve("run/fifo")));
        assertFalse(Files.exists(rootfs.resolve("lib/null"), NOFOLLOW), "no device nodes when unprivileged");
        assertTrue(Files.isDirectory(rootfs.resolve("dev")));
        assertFalse(Files.exists(rootfs.resolve("dev/console"), NOFOLLOW), "dev/ is the container manager's");

        assertOwner(0, 0, vol.resolve("metadata.yaml"));
        assertEquals("{{ instance.name }}\n", Files.readString(vol.resolve("templates/hostname.tpl")));
        assertTrue(pool.usage(ref("c1"), InstanceType.CONTAINER) > 0);
    }

    @Test
    void privilegedVolumeKeepsTheImageIds() throws IOException {
        ImageInfo image = importBytes(store, richImage(), TestImages.unifiedUpload("rich.tar.gz"));

        Path vol = pool.createInstanceVolume(ref("p1"), image.fingerprint(), null);
        assertEquals(0100, mode(vol));
        assertOwner(0, 0, vol);
        Path rootfs = vol.resolve("rootfs");

        assertOwner(0, 0, rootfs.resolve("bin/tool"));
        assertOwner(1000, 1000, rootfs.resolve("home/user"));
        assertArrayEquals(CAP_V2, Posix.getXattr(rootfs.resolve("usr/bin/passwd"), "security.capability"));
        assertArrayEquals(acl(1000), Posix.getXattr(rootfs.resolve("home/user/acl"), "system.posix_acl_access"));
        assertEquals(Posix.S_IFCHR, fileType(rootfs.resolve("lib/null")));
        assertEquals(Posix.makedev(1, 3), (long) (Long) Files.getAttribute(rootfs.resolve("lib/null"), "unix:rdev",
                NOFOLLOW));
    }

    @Test
    void theImageIsUnpackedOncePerPool() {
        ImageInfo image = importBytes(store, TestImages.unified().tarGz(), TestImages.unifiedUpload("x"));
        List<String> first = new ArrayList<>();
        List<String> second = new ArrayList<>();
        pool.createInstanceVolume(ref("a"), InstanceType.CONTAINER, image.fingerprint(), ID_MAP,
                (stage, done, total) -> first.add(stage));
        pool.createInstanceVolume(ref("b"), InstanceType.CONTAINER, image.fingerprint(), ID_MAP,
                (stage, done, total) -> second.add(stage));
        assertTrue(first.contains(Progress.UNPACKING));
        assertTrue(first.contains(Progress.COPYING));
        assertFalse(second.contains(Progress.UNPACKING));
        assertTrue(pool.hasImageCache(image.fingerprint()));

        assertTrue(pool.deleteImageCache(image.fingerprint()));
        assertFalse(pool.hasImageCache(image.fingerprint()));
        assertFalse(pool.deleteImageCache(image.fingerprint()));
        // Volumes do not depend on the unpacked copy.
        assertTrue(Files.isRegularFile(pool.volumePath(ref("a"), InstanceType.CONTAINER).resolve("rootfs/bin/tool")));
    }

    @Test
    void imagesCanBeUnpackedAhead() {
        ImageInfo image = importBytes(store, TestImages.unified().tarGz(), TestImages.unifiedUpload("x"));
        List<String> ahead = new ArrayList<>();
        pool.unpackImage(image.fingerprint(), (stage, done, total) -> ahead.add(stage));
        assertTrue(ahead.contains(Progress.UNPACKING));
        List<String> create = new ArrayList<>();
        pool.createInstanceVolume(ref("a"), InstanceType.CONTAINER, image.fingerprint(), ID_MAP,
                (stage, done, total) -> create.add(stage));
        assertFalse(create.contains(Progress.UNPACKING));
    }

    @Test
    void concurrentVolumesFromOneImage() throws Exception {
        ImageInfo image = importBytes(store, richImage(), TestImages.unifiedUpload("x"));
        java.util.concurrent.ExecutorService pool8 = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            List<java.util.concurrent.Future<Path>> futures = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                String name = "c" + i;
                futures.add(pool8.submit(() -> pool.createInstanceVolume(ref(name), image.fingerprint(), ID_MAP)));
            }
            for (java.util.concurrent.Future<Path> f : futures) {
                assertOwner(1_000_000, 1_000_000, f.get().resolve("rootfs/bin/tool"));
            }
        } finally {
            pool8.shutdownNow();
        }
        assertEquals(16, list(pool.root().resolve("containers")).size());
        assertEquals(List.of(image.fingerprint()), list(pool.root().resolve("images")));
    }

    @Test
    void splitImages() throws Exception {
        byte[] meta = TestImages.splitMetadata();
        byte[] rootfs = TestImages.splitRootfs();
        ImageInfo tarball = importBytes(store, TestImages.multipart("metadata", "m", meta, "rootfs", "r", rootfs),
                TestImages.splitUpload());
        Path v1 = pool.createInstanceVolume(ref("t"), tarball.fingerprint(), ID_MAP);
        assertEquals("split\n", Files.readString(v1.resolve("rootfs/etc/hostname")));
        assertOwner(1_000_000, 1_000_000, v1.resolve("rootfs"));
        assertTrue(Files.isRegularFile(v1.resolve("metadata.yaml")));

        byte[] squashfs = Files.readAllBytes(Squashfs.make(tmp, rootfs));
        ImageInfo sq = importBytes(store, TestImages.multipart("metadata", "m", meta, "rootfs", "r", squashfs),
                TestImages.splitUpload());
        Path v2 = pool.createInstanceVolume(ref("s"), sq.fingerprint(), ID_MAP);
        assertEquals("split\n", Files.readString(v2.resolve("rootfs/etc/hostname")));
        assertOwner(1_000_000, 1_000_000, v2.resolve("rootfs/bin/tool"));
        assertEquals(0755, mode(v2.resolve("rootfs/bin/tool")));
    }

    @Test
    void virtualMachineVolume() throws IOException {
        byte[] disk = new byte[8192];
        System.arraycopy(new byte[] {'Q', 'F', 'I', (byte) 0xfb}, 0, disk, 0, 4);
        ImageInfo image = importBytes(store, TestImages.multipart("metadata", "m", TestImages.splitMetadata(),
                "rootfs.img", "d", disk), TestImages.splitUpload());

        Path vol = pool.createInstanceVolume(ref("vm"), InstanceType.VIRTUAL_MACHINE, image.fingerprint(), null,
                Progress.NONE);

        assertEquals(tmp.resolve("storage-pools/default/virtual-machines/vm"), vol);
        assertArrayEquals(disk, Files.readAllBytes(vol.resolve("root.img")));
        assertEquals(0600, mode(vol.resolve("root.img")));
        assertEquals(0711, mode(vol));
        assertTrue(Files.isRegularFile(vol.resolve("metadata.yaml")));
        assertStatus(400, () -> pool.createInstanceVolume(ref("c"), image.fingerprint(), null));
    }

    @Test
    void emptyVolumes() {
        Path c = pool.createEmptyVolume(ref("e1"), InstanceType.CONTAINER, ID_MAP);
        assertOwner(1_000_000, 1_000_000, c.resolve("rootfs"));
        assertEquals(0755, mode(c.resolve("rootfs")));
        Path p = pool.createEmptyVolume(ref("e2"), InstanceType.CONTAINER, null);
        assertOwner(0, 0, p.resolve("rootfs"));
        Path vm = pool.createEmptyVolume(ref("e3"), InstanceType.VIRTUAL_MACHINE, null);
        assertTrue(Files.isDirectory(vm));
        assertStatus(409, () -> pool.createEmptyVolume(ref("e1"), InstanceType.CONTAINER, ID_MAP));
    }

    @Test
    void projectsAreInTheBackendName() {
        Path v = pool.createEmptyVolume(new InstanceRef("web", "c1"), InstanceType.CONTAINER, null);
        assertEquals("web_c1", v.getFileName().toString());
        assertStatus(400, () -> pool.createEmptyVolume(ref("../x"), InstanceType.CONTAINER, null));
        assertStatus(400, () -> pool.createEmptyVolume(ref(".hidden"), InstanceType.CONTAINER, null));
    }

    @Test
    void renameAndDelete() {
        ImageInfo image = importBytes(store, TestImages.unified().tarGz(), TestImages.unifiedUpload("x"));
        pool.createInstanceVolume(ref("a"), image.fingerprint(), ID_MAP);
        pool.createInstanceVolume(ref("b"), image.fingerprint(), ID_MAP);
        assertStatus(409, () -> pool.createInstanceVolume(ref("a"), image.fingerprint(), ID_MAP));

        pool.renameInstanceVolume(ref("a"), ref("c"), InstanceType.CONTAINER);
        assertFalse(pool.volumeExists(ref("a"), InstanceType.CONTAINER));
        assertTrue(Files.isRegularFile(pool.volumePath(ref("c"), InstanceType.CONTAINER).resolve("rootfs/bin/tool")));
        assertStatus(404, () -> pool.renameInstanceVolume(ref("a"), ref("d"), InstanceType.CONTAINER));
        assertStatus(409, () -> pool.renameInstanceVolume(ref("b"), ref("c"), InstanceType.CONTAINER));
        assertTrue(pool.volumeExists(ref("b"), InstanceType.CONTAINER));

        assertTrue(pool.deleteInstanceVolume(ref("c"), InstanceType.CONTAINER));
        assertFalse(pool.volumeExists(ref("c"), InstanceType.CONTAINER));
        assertFalse(pool.deleteInstanceVolume(ref("c"), InstanceType.CONTAINER));

        assertStatus(409, pool::delete);
        assertTrue(pool.deleteInstanceVolume(ref("b"), InstanceType.CONTAINER));
        pool.delete();
        assertFalse(Files.exists(pool.root()));
    }

    /** A corrupt image (truncated after import checks were bypassed): nothing of the volume or unpacking stays. */
    @Test
    void failedUnpackLeavesNothingBehind() throws IOException {
        byte[] whole = new TarBuilder().metadata(TarBuilder.metadataYaml()).dir("rootfs")
                .file("rootfs/a", "x".repeat(100_000)).file("rootfs/b", "y").tar();
        String fp = plant(java.util.Arrays.copyOf(whole, 60_000));

        ApiException e = assertThrows(ApiException.class, () -> pool.createInstanceVolume(ref("c"), fp, ID_MAP));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        assertNothingLeft("c", fp);
    }

    /** A failure while copying (an owner outside the id map): the half-copied volume is removed. */
    @Test
    void failedCopyLeavesNoVolume() {
        byte[] image = new TarBuilder().metadata(TarBuilder.metadataYaml()).dir("rootfs")
                .file("rootfs/ok", "x")
                .file("rootfs/far", "y".getBytes(), 0644, 1_500_000_000L, 0, Map.of()).tarGz();
        ImageInfo info = importBytes(store, image, TestImages.unifiedUpload("x"));

        ApiException e = assertStatus(400, () -> pool.createInstanceVolume(ref("c"), info.fingerprint(), ID_MAP));
        assertTrue(e.getMessage().contains("uid 1500000000"), e.getMessage());
        assertFalse(pool.volumeExists(ref("c"), InstanceType.CONTAINER));
        assertEquals(List.of(), list(pool.root().resolve("containers")));
        // Privileged, the same image is fine.
        pool.createInstanceVolume(ref("c"), info.fingerprint(), null);
    }

    /** Tarballs that try to write outside their directory, planted past the import checks: the unpacking refuses. */
    @Test
    void extractionRefusesEscapes() throws IOException {
        Path outside = Files.createDirectory(tmp.resolve("outside"));
        String yaml = TarBuilder.metadataYaml();
        List<Function<TarBuilder, TarBuilder>> attempts = List.of(
                t -> t.symlink("rootfs/etc", outside.toString()).file("rootfs/etc/pwned", "x"),
                t -> t.symlink("rootfs/up", "../../../../outside").file("rootfs/up/pwned", "x"),
                t -> t.symlink("rootfs/l", outside.toString()).dir("rootfs/l/pwned"),
                t -> t.file("rootfs/../../pwned", "x"),
                t -> t.file(outside.resolve("pwned").toString(), "x"),
                t -> t.symlink("rootfs/l", outside.toString()).hardlink("rootfs/h", "rootfs/l/pwned"),
                t -> t.hardlink("rootfs/h", "../outside/pwned"));
        int i = 0;
        for (Function<TarBuilder, TarBuilder> attempt : attempts) {
            String fp = plant(attempt.apply(new TarBuilder().metadata(yaml).dir("rootfs")).tarGz());
            String name = "c" + i++;
            ApiException e = assertStatus(400, () -> pool.createInstanceVolume(ref(name), fp, ID_MAP));
            assertTrue(e.getMessage().startsWith("Image tarball entry"), e.getMessage());
            assertEquals(List.of(), list(outside), "nothing written outside");
            assertNothingLeft(name, fp);
        }
    }

    /** Puts a file in the store as if it had been imported (the store's checks bypassed); returns its name. */
    private String plant(byte[] image) throws IOException {
        String fp = TestImages.sha256(image);
        Files.write(store.dir().resolve(fp), image);
        return fp;
    }

    private void assertNothingLeft(String instance, String fp) {
        assertFalse(pool.volumeExists(ref(instance), InstanceType.CONTAINER));
        assertFalse(pool.hasImageCache(fp));
        for (String dir : List.of("containers", "images")) {
            assertEquals(List.of(), list(pool.root().resolve(dir)).stream()
                    .filter(n -> n.startsWith(".")).toList(), "staging left in " + dir);
        }
    }

    static List<String> list(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static void assertOwner(long uid, long gid, Path p) {
        try {
            assertEquals(uid, Integer.toUnsignedLong((Integer) Files.getAttribute(p, "unix:uid", NOFOLLOW)),
                    "uid of " + p);
            assertEquals(gid, Integer.toUnsignedLong((Integer) Files.getAttribute(p, "unix:gid", NOFOLLOW)),
                    "gid of " + p);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static int mode(Path p) {
        try {
            return (Integer) Files.getAttribute(p, "unix:mode", NOFOLLOW) & 07777;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static int fileType(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:mode", NOFOLLOW) & Posix.S_IFMT;
    }

    static byte[] capV2(int permitted) {
        return ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(0x02000001).putInt(permitted).putInt(0).putInt(0).putInt(0).array();
    }

    /** A POSIX ACL xattr: owner rw, user {@code uid} rw, group r, mask rw, other r. */
    static byte[] acl(long uid) {
        ByteBuffer b = ByteBuffer.allocate(4 + 5 * 8).order(ByteOrder.LITTLE_ENDIAN).putInt(2);
        b.putShort((short) 0x01).putShort((short) 6).putInt(-1);
        b.putShort((short) 0x02).putShort((short) 6).putInt((int) uid);
        b.putShort((short) 0x04).putShort((short) 4).putInt(-1);
        b.putShort((short) 0x10).putShort((short) 6).putInt(-1);
        b.putShort((short) 0x20).putShort((short) 4).putInt(-1);
        return b.array();
    }

    @Test
    void badFingerprints() {
        assertStatus(400, () -> pool.createInstanceVolume(ref("x"), "../../etc", null));
        assertStatus(404, () -> pool.createInstanceVolume(ref("x"), "a".repeat(64), null));
    }
}
