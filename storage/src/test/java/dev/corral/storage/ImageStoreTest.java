package dev.corral.storage;

import static dev.corral.storage.TestImages.importBytes;
import static dev.corral.storage.TestImages.sha256;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.luben.zstd.ZstdOutputStream;
import dev.corral.api.ApiException;
import dev.corral.instance.InstanceType;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

class ImageStoreTest {

    @TempDir
    Path tmp;

    ImageStore store;

    @BeforeEach
    void open() {
        store = new ImageStore(tmp.resolve("images"));
    }

    @Test
    void unifiedFingerprintIsTheSha256OfTheFile() {
        byte[] image = TestImages.unified().tarGz();
        ImageInfo info = importBytes(store, image, TestImages.unifiedUpload("test.tar.gz"));

        assertEquals(sha256(image), info.fingerprint());
        assertEquals("test.tar.gz", info.filename());
        assertEquals(image.length, info.size());
        assertEquals(InstanceType.CONTAINER, info.type());
        assertEquals("x86_64", info.architecture());
        assertEquals(Instant.ofEpochSecond(1_700_000_000L), info.createdAt());
        assertNull(info.expiresAt());
        assertEquals(Map.of("os", "test", "release", "1.0"), info.properties());
        assertEquals(List.of("create", "copy"), info.metadata().templates().get("/etc/hostname").when());
        assertTrue(store.exists(info.fingerprint()));
        assertEquals(List.of(info.fingerprint()), store.fingerprints());
    }

    @Test
    void unifiedImagesAreRecognisedByContentInEveryCompression() throws IOException {
        byte[] tar = TestImages.unified().tar();
        List<byte[]> forms = List.of(tar, TarBuilder.gzip(tar), xz(tar), bzip2(tar), zstd(tar));
        List<String> extensions = new ArrayList<>();
        for (byte[] image : forms) {
            // The same upload name for all: the content decides.
            ImageInfo info = importBytes(store, image, TestImages.unifiedUpload("image.bin"));
            assertEquals(sha256(image), info.fingerprint());
            extensions.add(store.files(info.fingerprint()).metadata().filename()
                    .substring(info.fingerprint().length()));
        }
        assertEquals(List.of(".tar", ".tar.gz", ".tar.xz", ".tar.bz2", ".tar.zst"), extensions);
    }

    @Test
    void splitFingerprintIsTheSha256OfMetadataThenRootfs() {
        byte[] meta = TestImages.splitMetadata();
        byte[] rootfs = TestImages.splitRootfs();
        byte[] body = TestImages.multipart("metadata", "meta.tar.gz", meta, "rootfs", "rootfs.tar.gz", rootfs);

        ImageInfo info = importBytes(store, body, TestImages.splitUpload());

        assertEquals(sha256(meta, rootfs), info.fingerprint());
        assertEquals("rootfs.tar.gz", info.filename());
        assertEquals(meta.length + rootfs.length, info.size());
        assertEquals(InstanceType.CONTAINER, info.type());

        ImageFiles files = store.files(info.fingerprint());
        assertTrue(files.split());
        assertEquals("metadata", files.metadata().field());
        assertEquals("meta-" + info.fingerprint() + ".tar.gz", files.metadata().filename());
        assertEquals("rootfs", files.rootfs().field());
        assertEquals(info.fingerprint() + ".tar.gz", files.rootfs().filename());
    }

    @Test
    void splitImageWithASquashfsRootfs() throws Exception {
        Path squashfs = Squashfs.make(tmp, TestImages.splitRootfs());
        byte[] meta = TestImages.splitMetadata();
        byte[] rootfs = Files.readAllBytes(squashfs);
        byte[] body = TestImages.multipart("metadata", "meta.tar.gz", meta, "rootfs", "rootfs.squashfs", rootfs);

        ImageInfo info = importBytes(store, body, TestImages.splitUpload());

        assertEquals(sha256(meta, rootfs), info.fingerprint());
        assertEquals(info.fingerprint() + ".squashfs", store.files(info.fingerprint()).rootfs().filename());
    }

    @Test
    void splitVirtualMachineImage() {
        byte[] meta = TestImages.splitMetadata();
        byte[] disk = new byte[4096];
        System.arraycopy(new byte[] {'Q', 'F', 'I', (byte) 0xfb}, 0, disk, 0, 4);
        byte[] body = TestImages.multipart("metadata", "meta.tar.gz", meta, "rootfs.img", "disk.qcow2", disk);

        ImageInfo info = importBytes(store, body, TestImages.splitUpload());

        assertEquals(InstanceType.VIRTUAL_MACHINE, info.type());
        ImageFiles files = store.files(info.fingerprint());
        assertEquals("rootfs.img", files.rootfs().field());
        assertTrue(files.splitVirtualMachine());
    }

    @Test
    void headersApply() {
        byte[] image = TestImages.unified().tarGz();
        Map<String, List<String>> headers = Map.of(
                "Content-Type", List.of("application/octet-stream"),
                "X-Incus-filename", List.of("busybox.tar.gz"),
                "X-Incus-public", List.of("true"),
                "X-Incus-properties", List.of("foo=bar&x+y=z+w", "os=override"),
                "X-Incus-aliases", List.of("alias=a&alias=b"),
                "X-Incus-fingerprint", List.of(sha256(image).toUpperCase()));
        ImageUpload upload = ImageUpload.fromHeaders(name -> headers.getOrDefault(name, List.of()));

        ImageInfo info = importBytes(store, image, upload);

        assertTrue(info.isPublic());
        assertEquals("busybox.tar.gz", info.filename());
        assertEquals(Map.of("os", "override", "release", "1.0", "foo", "bar", "x y", "z w"), info.properties());
        assertEquals(List.of("a", "b"), info.aliases());
    }

    @Test
    void lxdHeadersAreAcceptedToo() {
        Map<String, List<String>> headers = Map.of("X-LXD-public", List.of("1"), "X-LXD-aliases", List.of("plain"));
        ImageUpload upload = ImageUpload.fromHeaders(name -> headers.getOrDefault(name, List.of()));
        assertTrue(upload.isPublic());
        assertEquals(List.of("plain"), upload.aliases());
        assertFalse(upload.multipart());
    }

    @Test
    void progressIsReported() {
        byte[] image = TestImages.unified().tarGz();
        List<Integer> percents = new ArrayList<>();
        store.importImage(new ByteArrayInputStream(image), TestImages.unifiedUpload("x"), image.length,
                (stage, done, total) -> {
                    assertEquals(Progress.RECEIVING, stage);
                    percents.add(Progress.percent(done, total));
                });
        assertFalse(percents.isEmpty());
        assertEquals(100, percents.get(percents.size() - 1));
    }

    @Test
    void exportGivesBackTheOriginalFiles() throws IOException {
        byte[] meta = TestImages.splitMetadata();
        byte[] rootfs = TestImages.splitRootfs();
        ImageInfo info = importBytes(store,
                TestImages.multipart("metadata", "m", meta, "rootfs", "r", rootfs), TestImages.splitUpload());
        ImageFiles files = store.files(info.fingerprint());
        assertArrayEquals(meta, Files.readAllBytes(files.metadata().path()));
        assertArrayEquals(rootfs, Files.readAllBytes(files.rootfs().path()));
        assertEquals(meta.length + rootfs.length, files.size());

        byte[] unified = TestImages.unified().tarGz();
        ImageInfo u = importBytes(store, unified, TestImages.unifiedUpload("u.tar.gz"));
        ImageFiles uf = store.files(u.fingerprint());
        assertFalse(uf.split());
        assertEquals(u.fingerprint() + ".tar.gz", uf.metadata().filename());
        assertArrayEquals(unified, Files.readAllBytes(uf.metadata().path()));
    }

    @Test
    void inspectReadsAStoredImageAgain() {
        byte[] image = TestImages.unified().tarGz();
        ImageInfo info = importBytes(store, image, TestImages.unifiedUpload("x.tar.gz"));
        ImageInfo again = new ImageStore(store.dir()).inspect(info.fingerprint());
        assertEquals(info.fingerprint(), again.fingerprint());
        assertEquals(info.size(), again.size());
        assertEquals(info.metadata(), again.metadata());
        assertEquals(InstanceType.CONTAINER, again.type());
    }

    @Test
    void deleteRemovesTheFiles() throws IOException {
        ImageInfo info = importBytes(store,
                TestImages.multipart("metadata", "m", TestImages.splitMetadata(), "rootfs", "r",
                        TestImages.splitRootfs()), TestImages.splitUpload());
        store.delete(info.fingerprint());
        assertFalse(store.exists(info.fingerprint()));
        try (Stream<Path> left = Files.list(store.dir())) {
            assertEquals(0, left.count());
        }
        assertStatus(404, () -> store.delete(info.fingerprint()));
        assertStatus(404, () -> store.files(info.fingerprint()));
        assertStatus(400, () -> store.files("../etc/passwd"));
    }

    // ---- refused uploads: a clear 400 (or 409) and nothing left in the store --------------------------------------

    @Test
    void duplicateImageIsAConflict() {
        byte[] image = TestImages.unified().tarGz();
        importBytes(store, image, TestImages.unifiedUpload("x"));
        ApiException e = assertStatus(409, () -> importBytes(store, image, TestImages.unifiedUpload("x")));
        assertEquals("Image with same fingerprint already exists", e.getMessage());
        assertStoreHolds(1);
    }

    @Test
    void fingerprintMismatchIsRefused() {
        byte[] image = TestImages.unified().tarGz();
        ImageUpload upload = new ImageUpload("application/octet-stream", "x", "0".repeat(64), false, Map.of(),
                List.of(), List.of());
        ApiException e = assertStatus(400, () -> importBytes(store, image, upload));
        assertTrue(e.getMessage().startsWith("Fingerprints don't match, got " + sha256(image)), e.getMessage());
        assertStoreHolds(0);
    }

    @Test
    void badUploadsAreRefusedClearly() {
        String yaml = TarBuilder.metadataYaml();
        Map<String, byte[]> bad = new java.util.LinkedHashMap<>();
        bad.put("The image upload is empty", new byte[0]);
        bad.put("is not a tarball", "hello, I am not an image\n".repeat(30).getBytes(StandardCharsets.UTF_8));
        bad.put("is not a valid tarball", TarBuilder.gzip("not a tar inside\n".repeat(40).getBytes(
                StandardCharsets.UTF_8)));
        bad.put("is not a valid tarball: truncated", java.util.Arrays.copyOf(
                new TarBuilder().metadata(yaml).file("rootfs/big", "x".repeat(5000)).tar(), 2048));
        bad.put("missing metadata.yaml", new TarBuilder().dir("rootfs").tarGz());
        bad.put("metadata.yaml is not valid YAML", new TarBuilder().metadata("architecture: [x86_64\n")
                .dir("rootfs").tarGz());
        bad.put("metadata.yaml is not a YAML mapping", new TarBuilder().metadata("- a\n- b\n").dir("rootfs").tarGz());
        bad.put("metadata.yaml has no architecture", new TarBuilder().metadata("creation_date: 1\n")
                .dir("rootfs").tarGz());
        bad.put("Architecture isn't supported: z80", new TarBuilder()
                .metadata("architecture: z80\ncreation_date: 1\n").dir("rootfs").tarGz());
        bad.put("Missing creation date", new TarBuilder().metadata("architecture: x86_64\n").dir("rootfs").tarGz());
        bad.put("creation_date must be an integer", new TarBuilder()
                .metadata("architecture: x86_64\ncreation_date: yesterday\n").dir("rootfs").tarGz());
        bad.put("neither rootfs/ nor rootfs.img", new TarBuilder().metadata(yaml).tarGz());
        for (Map.Entry<String, byte[]> e : bad.entrySet()) {
            ApiException ex = assertStatus(400,
                    () -> importBytes(store, e.getValue(), TestImages.unifiedUpload("x")));
            assertTrue(ex.getMessage().contains(e.getKey()), "expected '" + e.getKey() + "' in: " + ex.getMessage());
        }
        assertStoreHolds(0);
    }

    @Test
    void badSplitUploadsAreRefusedClearly() {
        byte[] meta = TestImages.splitMetadata();
        byte[] rootfs = TestImages.splitRootfs();
        Map<String, byte[]> bad = new java.util.LinkedHashMap<>();
        bad.put("the first part must be \"metadata\"", TestImages.multipart("meta", "m", meta, "rootfs", "r", rootfs));
        bad.put("the second part must be", TestImages.multipart("metadata", "m", meta, null, null, null));
        bad.put("the second part must be ", TestImages.multipart("metadata", "m", meta, "root", "r", rootfs));
        bad.put("Metadata tarball is missing metadata.yaml",
                TestImages.multipart("metadata", "m", rootfs, "rootfs", "r", rootfs));
        bad.put("The rootfs is neither a tarball nor a squashfs",
                TestImages.multipart("metadata", "m", meta, "rootfs", "r", new byte[1000]));
        bad.put("rootfs.img must be a disk image", TestImages.multipart("metadata", "m", meta, "rootfs.img", "r",
                rootfs));
        byte[] truncated = TestImages.multipart("metadata", "m", meta, "rootfs", "r", rootfs);
        bad.put("ends before its closing boundary", java.util.Arrays.copyOf(truncated, truncated.length - 100));
        for (Map.Entry<String, byte[]> e : bad.entrySet()) {
            ApiException ex = assertStatus(400, () -> importBytes(store, e.getValue(), TestImages.splitUpload()));
            assertTrue(ex.getMessage().contains(e.getKey().strip()), "expected '" + e.getKey() + "' in: "
                    + ex.getMessage());
        }
        assertStatus(400, () -> importBytes(store, meta, ImageUpload.of("multipart/form-data")));
        assertStoreHolds(0);
    }

    @Test
    void pathEscapesAreRefusedAtImport() {
        String yaml = TarBuilder.metadataYaml();
        Map<String, Function<TarBuilder, TarBuilder>> attempts = new java.util.LinkedHashMap<>();
        attempts.put("contains \"..\"", t -> t.file("rootfs/../../escaped", "x"));
        attempts.put("is an absolute path", t -> t.file("/tmp/escaped", "x"));
        attempts.put("goes through the symbolic link", t -> t.symlink("rootfs/etc", "/etc")
                .file("rootfs/etc/escaped", "x"));
        attempts.put("goes through the symbolic link ", t -> t.symlink("rootfs/up", "../..")
                .dir("rootfs/up/sub"));
        attempts.put("contains \"..\" ", t -> t.hardlink("rootfs/shadow", "../../../etc/shadow"));
        attempts.put("goes through the symbolic link  ", t -> t.symlink("rootfs/l", "/etc")
                .hardlink("rootfs/shadow", "rootfs/l/shadow"));
        for (Map.Entry<String, Function<TarBuilder, TarBuilder>> a : attempts.entrySet()) {
            byte[] image = a.getValue().apply(new TarBuilder().metadata(yaml).dir("rootfs")).tarGz();
            ApiException ex = assertStatus(400, () -> importBytes(store, image, TestImages.unifiedUpload("x")));
            assertTrue(ex.getMessage().contains(a.getKey().strip()), a.getKey() + " in: " + ex.getMessage());
        }
        assertStoreHolds(0);
    }

    private void assertStoreHolds(int images) {
        try (Stream<Path> s = Files.list(store.dir())) {
            List<String> names = s.map(p -> p.getFileName().toString()).toList();
            assertEquals(images, names.size(), "store holds " + names);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static ApiException assertStatus(int status, org.junit.jupiter.api.function.Executable call) {
        ApiException e = assertThrows(ApiException.class, call);
        assertEquals(status, e.status(), e.getMessage());
        return e;
    }

    private static byte[] xz(byte[] data) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (OutputStream o = new XZOutputStream(b, new LZMA2Options())) {
            o.write(data);
        }
        return b.toByteArray();
    }

    private static byte[] bzip2(byte[] data) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (OutputStream o = new BZip2CompressorOutputStream(b)) {
            o.write(data);
        }
        return b.toByteArray();
    }

    private static byte[] zstd(byte[] data) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (OutputStream o = new ZstdOutputStream(b)) {
            o.write(data);
        }
        return b.toByteArray();
    }
}
