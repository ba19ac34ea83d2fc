package dev.corral.systests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * {@code /1.0/instances/{name}/files} through REST-assured (every answer checked against the OpenAPI document):
 * contents with their {@code X-Incus-*} headers (and the {@code X-LXD-*} twins), both request spellings, append,
 * directories, links, HEAD, DELETE, the errors, LXD's {@code /1.0/containers} paths, and ownership as the host
 * sees it (container root is host uid 1000000 here).
 */
class FilesApiTest {

    @RegisterExtension
    static final Corrald corrald = Corrald.create();

    private static final Containers containers = new Containers(corrald);
    private static String running;
    private static String stopped;

    @BeforeAll
    static void launch() {
        corrald.assumeCorrald("needs the built-in busybox image and the rootfs on disk");
        running = containers.launch("files-api");
        stopped = containers.createStopped("files-api-stopped");
    }

    @AfterAll
    static void cleanup() {
        containers.cleanup();
    }

    static String files(String instance, String path) {
        return "/1.0/instances/" + instance + "/files?path=" + path;
    }

    static RequestSpecification raw() {
        return raw(corrald);
    }

    /** A request with a raw body (REST-assured encodes only bytes as application/octet-stream). */
    static RequestSpecification raw(Corrald daemon) {
        return Api.given(daemon).contentType("application/octet-stream");
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static Path rootfs(String instance) {
        return rootfs(corrald, instance);
    }

    /** The instance's root filesystem on the host (the default dir pool). */
    static Path rootfs(Corrald daemon, String instance) {
        return daemon.dir().resolve("storage-pools/default/containers/" + instance + "/rootfs");
    }

    static int hostUid(Path p) throws Exception {
        return (int) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    }

    @Test
    void pushAndPullAFileWithOwnerAndMode() throws Exception {
        byte[] data = "hello corral\n".getBytes(StandardCharsets.UTF_8);
        Envelopes.sync(raw().header("X-Incus-uid", "1000").header("X-Incus-gid", "1001").header("X-Incus-mode", "0640")
                .body(data).post(files(running, "/root/hello.txt")));
        Response r = Api.given(corrald).get(files(running, "/root/hello.txt"));
        assertEquals(200, r.statusCode());
        assertArrayEquals(data, r.asByteArray());
        assertEquals("application/octet-stream", r.contentType());
        assertEquals("1000", r.header("X-Incus-uid"));
        assertEquals("1001", r.header("X-Incus-gid"));
        assertEquals("0640", r.header("X-Incus-mode"));
        assertEquals("file", r.header("X-Incus-type"));
        assertEquals("1000", r.header("X-LXD-uid"), "the lxc 5.0 client reads X-LXD-*");
        assertEquals("file", r.header("X-LXD-type"));
        assertTrue(r.header("X-Incus-modified").endsWith(" +0000 UTC"), r.header("X-Incus-modified"));
        Path onHost = rootfs(running).resolve("root/hello.txt");
        assertEquals(1_001_000, hostUid(onHost), "uid 1000 inside is host uid 1001000");
        assertEquals(1_001_001, (int) Files.getAttribute(onHost, "unix:gid"));
        assertEquals("rw-r-----", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(onHost)));

        // overwrite: the contents change, owner and mode stay (they apply to what a request creates, as in Incus)
        Envelopes.sync(raw().header("X-Incus-mode", "0777").body(FilesApiTest.bytes("new")).post(files(running, "/root/hello.txt")));
        Response again = Api.given(corrald).get(files(running, "/root/hello.txt"));
        assertEquals("new", again.asString());
        assertEquals("0640", again.header("X-Incus-mode"));
    }

    @Test
    void lxdHeaderSpellingsAndTheContainersPath() throws Exception {
        Envelopes.sync(raw().header("X-LXD-uid", "33").header("X-LXD-gid", "34").header("X-LXD-mode", "0600")
                .body(FilesApiTest.bytes("lxd")).post("/1.0/containers/" + running + "/files?path=/root/lxd.txt"));
        Response r = Api.given(corrald).get("/1.0/containers/" + running + "/files?path=/root/lxd.txt");
        assertEquals("lxd", r.asString());
        assertEquals("33", r.header("X-LXD-uid"));
        assertEquals("34", r.header("X-Incus-gid"));
        assertEquals("0600", r.header("X-LXD-mode"));
        assertEquals(1_000_033, hostUid(rootfs(running).resolve("root/lxd.txt")));
        // X-Incus-* wins over X-LXD-* when both are sent
        Envelopes.sync(raw().header("X-Incus-type", "directory").header("X-LXD-type", "file")
                .post(files(running, "/root/both")));
        assertEquals("directory", Api.given(corrald).head(files(running, "/root/both")).header("X-Incus-type"));
    }

    @Test
    void appendMode() {
        Envelopes.sync(raw().body(FilesApiTest.bytes("abc")).post(files(running, "/root/log")));
        Envelopes.sync(raw().header("X-Incus-write", "append").body(FilesApiTest.bytes("def")).post(files(running, "/root/log")));
        Envelopes.sync(raw().header("X-LXD-write", "append").body(FilesApiTest.bytes("ghi")).post(files(running, "/root/log")));
        assertEquals("abcdefghi", Api.given(corrald).get(files(running, "/root/log")).asString());
        Envelopes.error(raw().header("X-Incus-write", "append").body(FilesApiTest.bytes("x")).post(files(running, "/root/nolog")), 404);
        assertTrue(Envelopes.error(raw().header("X-Incus-write", "sideways").body(FilesApiTest.bytes("x"))
                .post(files(running, "/root/log")), 400).contains("Bad file write mode"));
    }

    @Test
    void directoriesAndListings() throws Exception {
        Envelopes.sync(raw().header("X-Incus-type", "directory").header("X-Incus-mode", "0700")
                .header("X-Incus-uid", "5").post(files(running, "/root/dir")));
        Envelopes.sync(raw().body(FilesApiTest.bytes("1")).post(files(running, "/root/dir/one")));
        Envelopes.sync(raw().body(FilesApiTest.bytes("2")).post(files(running, "/root/dir/two")));
        Response r = Api.given(corrald).get(files(running, "/root/dir"));
        assertEquals("directory", r.header("X-Incus-type"));
        assertEquals("0700", r.header("X-Incus-mode"));
        assertEquals("5", r.header("X-Incus-uid"));
        assertEquals(List.of("one", "two"), Json.strings(Envelopes.sync(r)).stream().sorted().toList());
        assertEquals(1_000_005, hostUid(rootfs(running).resolve("root/dir")));
        // creating an existing directory is fine (as Incus), and leaves it as it is
        Envelopes.sync(raw().header("X-Incus-type", "directory").header("X-Incus-mode", "0755")
                .post(files(running, "/root/dir")));
        assertEquals("0700", Api.given(corrald).head(files(running, "/root/dir")).header("X-Incus-mode"));
        assertTrue(Envelopes.error(Api.given(corrald).delete(files(running, "/root/dir")), 400)
                .contains("not empty"));
        Envelopes.sync(Api.given(corrald).delete(files(running, "/root/dir/one")));
        Envelopes.sync(Api.given(corrald).delete(files(running, "/root/dir/two")));
        Envelopes.sync(Api.given(corrald).delete(files(running, "/root/dir")));
        Envelopes.error(Api.given(corrald).get(files(running, "/root/dir")), 404);
    }

    @Test
    void symlinks() throws Exception {
        Envelopes.sync(raw().header("X-Incus-type", "symlink").body(FilesApiTest.bytes("hostname"))
                .post(files(running, "/etc/hn")));
        Path link = rootfs(running).resolve("etc/hn");
        assertTrue(Files.isSymbolicLink(link));
        assertEquals("hostname", Files.readSymbolicLink(link).toString(), "stored as given");
        assertEquals(1_000_000, hostUid(link), "owned by the container's root");
        Response r = Api.given(corrald).get(files(running, "/etc/hn"));
        assertEquals("symlink", r.header("X-Incus-type"));
        assertEquals("/etc/hostname", r.asString(), "as Incus: the target made absolute, not followed");
        // the same target again is fine; the busybox image's own links read the same way
        Envelopes.sync(raw().header("X-Incus-type", "symlink").body(FilesApiTest.bytes("hostname")).post(files(running, "/etc/hn")));
        assertEquals("/bin/busybox", Api.given(corrald).get(files(running, "/bin/sh")).asString());
        Envelopes.sync(Api.given(corrald).delete(files(running, "/etc/hn")));
        assertTrue(Files.exists(rootfs(running).resolve("etc/hostname")), "deleting a link leaves its target");
    }

    @Test
    void headDescribesWithoutABody() {
        Envelopes.sync(raw().body(FilesApiTest.bytes("12345")).post(files(running, "/root/sized")));
        Response r = Api.given(corrald).head(files(running, "/root/sized"));
        assertEquals(200, r.statusCode());
        assertEquals("5", r.header("Content-Length"));
        assertEquals("file", r.header("X-Incus-type"));
        assertEquals("", r.asString());
        assertEquals("directory", Api.given(corrald).head(files(running, "/etc")).header("X-Incus-type"));
        assertEquals(404, Api.given(corrald).head(files(running, "/nope")).statusCode());
    }

    @Test
    void stoppedInstancesToo() throws Exception {
        Envelopes.sync(raw().body(FilesApiTest.bytes("while stopped")).post(files(stopped, "/root/s.txt")));
        assertEquals("while stopped", Api.given(corrald).get(files(stopped, "/root/s.txt")).asString());
        assertEquals(1_000_000, hostUid(rootfs(stopped).resolve("root/s.txt")));
        Envelopes.sync(raw().header("X-Incus-type", "directory").post(files(stopped, "/root/sd")));
        assertEquals(List.of("s.txt", "sd"), Json.strings(Envelopes.sync(Api.given(corrald)
                .get(files(stopped, "/root")))).stream().sorted().toList());
        assertEquals("Stopped", containers.status(stopped), "nothing started it");
    }

    @Test
    void errors() {
        assertTrue(Envelopes.error(Api.given(corrald).get("/1.0/instances/" + running + "/files"), 400)
                .contains("Missing path"));
        Envelopes.error(Api.given(corrald).get(files("no-such-instance", "/etc/hostname")), 404);
        Envelopes.error(Api.given(corrald).get(files(running, "/no/such/file")), 404);
        Envelopes.error(raw().body(FilesApiTest.bytes("x")).post(files(running, "/no/such/dir/file")), 404);
        assertTrue(Envelopes.error(raw().header("X-Incus-type", "socket").post(files(running, "/root/s")), 400)
                .contains("Bad file type"));
        Envelopes.error(Api.given(corrald).delete(files(running, "/root/nothing")), 404);
        Envelopes.error(raw().header("X-Incus-uid", "4294967296").header("X-Incus-type", "directory")
                .post(files(running, "/root/biguid")), 400);
        // SFTP wants its upgrade
        assertTrue(Envelopes.error(Api.given(corrald).get("/1.0/instances/" + running + "/sftp"), 400)
                .contains("upgrade"));
        Envelopes.error(Api.given(corrald).header("Upgrade", "sftp").header("Connection", "Upgrade")
                .get("/1.0/instances/no-such-instance/sftp"), 404);
    }

    @Test
    void largeFilesStreamBothWays() throws Exception {
        byte[] data = new byte[24 * 1024 * 1024 + 123];
        new java.util.Random(7).nextBytes(data);
        Envelopes.sync(raw().body(data).post(files(running, "/root/large.bin")));
        byte[] back = Api.given(corrald).get(files(running, "/root/large.bin")).asByteArray();
        assertEquals(data.length, back.length);
        assertArrayEquals(data, back);
        assertArrayEquals(data, Files.readAllBytes(rootfs(running).resolve("root/large.bin")));
    }
}
