package dev.corral.systests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.restassured.response.Response;

/**
 * Nothing of the host is reachable through the files API or SFTP: {@code ..} paths, absolute and relative links
 * pointing out of the root, a directory swapped for a link while transfers run, hard links to host files, paths
 * through {@code /proc}. Each attempt gets a clear error or stays inside the container; the host's files are
 * checked unchanged and unread. The links are planted on the host side, in the rootfs, as a hostile container
 * (whose root owns its files) could make them.
 */
class EscapeFilesTest {

    @RegisterExtension
    static final Corrald corrald = Corrald.create();

    private static final Containers containers = new Containers(corrald);
    private static IncusCli incus;
    private static String running;
    private static Path rootfs;
    /** A host file with a secret, next to the containers (same file system, so hard links work). */
    private static Path secret;
    private static final String SECRET = "host secret, never to be read\n";

    @TempDir
    Path local;

    @BeforeAll
    static void launch() throws Exception {
        corrald.assumeCorrald("plants links in the rootfs of its own corrald's container");
        incus = IncusCli.incus(corrald);
        running = containers.launch("escape");
        rootfs = FilesApiTest.rootfs(corrald, running);
        secret = corrald.dir().resolve("host-secret");
        Files.writeString(secret, SECRET);
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
    }

    @AfterAll
    static void cleanup() {
        containers.cleanup();
        if (incus != null) {
            incus.close();
        }
    }

    @BeforeEach
    void secretIntact() throws Exception {
        Files.writeString(secret, SECRET);
    }

    /** As the container would: a directory or link in its rootfs owned by its root. */
    private static Path plantDir(String relative) throws Exception {
        Path dir = Files.createDirectories(rootfs.resolve(relative));
        chownToContainerRoot(dir);
        return dir;
    }

    private static Path plantLink(String relative, String target) throws Exception {
        Path link = rootfs.resolve(relative);
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, Path.of(target));
        chownToContainerRoot(link);
        return link;
    }

    private static void chownToContainerRoot(Path p) throws Exception {
        Files.setAttribute(p, "unix:uid", 1_000_000, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(p, "unix:gid", 1_000_000, LinkOption.NOFOLLOW_LINKS);
    }

    private static String files(String path) {
        return FilesApiTest.files(running, path);
    }

    private static void assertSecretUntouched() throws Exception {
        assertEquals(SECRET, Files.readString(secret));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(secret)));
        assertEquals(0, (int) Files.getAttribute(secret, "unix:uid"));
    }

    private static void assertNoSecretIn(Response r) {
        assertFalse(r.asString().contains("host secret"), "the host's secret leaked: " + r.asString());
    }

    @Test
    void dotDotStopsAtTheRoot() throws Exception {
        String depth = "/../../../../../../..";
        Response r = Api.given(corrald).get(files(depth + secret));
        assertEquals(404, r.statusCode());
        assertNoSecretIn(r);
        assertEquals(Api.given(corrald).get(files("/etc/hostname")).asString(),
                Api.given(corrald).get(files(depth + "/etc/hostname")).asString(), "../ of / is /");
        // writing with .. lands inside
        Envelopes.sync(FilesApiTest.raw(corrald).body(FilesApiTest.bytes("dotdot")).post(files("/root/" + depth + "/tmp-dotdot")));
        assertEquals("dotdot", Files.readString(rootfs.resolve("tmp-dotdot")));
        assertFalse(Files.exists(Path.of("/tmp-dotdot")));
        // and through SFTP
        Path back = local.resolve("p");
        IncusCli.Result pull = incus.run("file", "pull", running + depth + secret, back.toString());
        assertNotEquals(0, pull.exitCode(), pull.toString());
        assertFalse(Files.exists(back) && Files.readString(back).contains("host secret"));
        assertSecretUntouched();
    }

    @Test
    void absoluteAndRelativeLinksOutOfTheRoot() throws Exception {
        plantDir("root");
        plantLink("root/abs", secret.toString());
        plantLink("root/rel", "../../../../../../../../.." + secret);
        plantLink("root/hostroot", "../../../../../../../../..");
        plantLink("root/etc", "/etc");
        for (String path : List.of("/root/abs", "/root/rel", "/root/hostroot" + secret)) {
            Response r = Api.given(corrald).get(files(path));
            assertNoSecretIn(r);
            // GET does not follow a final link: it answers the link itself; through it, nothing is found
            if (path.endsWith("abs") || path.endsWith("rel")) {
                assertEquals("symlink", r.header("X-Incus-type"));
            } else {
                assertEquals(404, r.statusCode(), path);
            }
            Path back = local.resolve("pulled");
            Files.deleteIfExists(back);
            incus.run("file", "pull", running + path, back.toString());
            assertFalse(Files.exists(back) && Files.readString(back).contains("host secret"), path);
        }
        // /root/etc is the container's /etc, whatever the link says
        assertEquals(Files.readString(rootfs.resolve("etc/hostname")),
                Api.given(corrald).get(files("/root/etc/hostname")).asString());

        // writes through such links stay inside (or fail): the host's file is never written
        Envelopes.sync(FilesApiTest.raw(corrald).body(FilesApiTest.bytes("through rel")).post(files("/root/hostroot/written-through")));
        assertEquals("through rel", Files.readString(rootfs.resolve("written-through")));
        Path src = Files.writeString(local.resolve("x"), "overwrite attempt");
        incus.run("file", "push", src.toString(), running + "/root/rel");
        incus.run("file", "push", src.toString(), running + "/root/abs");
        Envelopes.sync(FilesApiTest.raw(corrald).header("X-Incus-mode", "0777").body(FilesApiTest.bytes("attempt"))
                .post(files("/root/hostroot/etc/escape-test")));
        assertFalse(Files.exists(Path.of("/etc/escape-test")), "nothing created in the host's /etc");
        assertSecretUntouched();
        // deleting through a link deletes inside only
        Envelopes.error(Api.given(corrald).delete(files("/root/hostroot" + secret)), 404);
        assertSecretUntouched();
    }

    @Test
    void aDirectorySwappedForALinkWhileTransfersRun() throws Exception {
        Path hostDir = Files.createDirectories(local.resolve("host-target"));
        plantDir("tmp");
        Path swapped = plantDir("tmp/swap");
        AtomicBoolean stop = new AtomicBoolean();
        Thread swapper = new Thread(() -> {
            Path tmp = rootfs.resolve("tmp/swap.new");
            while (!stop.get()) {
                try {
                    Files.deleteIfExists(tmp);
                    Files.createSymbolicLink(tmp, hostDir);
                    Files.move(tmp, swapped, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                    Files.delete(swapped);
                    Files.createDirectory(swapped);
                    chownToContainerRoot(swapped);
                } catch (Exception e) {
                    // racing with the transfers is the point
                }
            }
        }, "container-swapper");
        swapper.start();
        int ok = 0;
        try {
            byte[] payload = new byte[256 * 1024];
            for (int i = 0; i < 300; i++) {
                Response r = FilesApiTest.raw(corrald).body(payload).post(files("/tmp/swap/f" + (i % 7)));
                ok += r.statusCode() == 200 ? 1 : 0;
            }
            Path src = Files.writeString(local.resolve("s"), "sftp");
            for (int i = 0; i < 10; i++) {
                incus.run("file", "push", src.toString(), running + "/tmp/swap/sftp" + i);
            }
        } finally {
            stop.set(true);
            swapper.join();
        }
        try (Stream<Path> escaped = Files.list(hostDir)) {
            assertEquals(List.of(), escaped.toList(), "nothing reached the host directory (" + ok
                    + " of 300 REST writes succeeded inside)");
        }
    }

    @Test
    void hardLinksToHostFiles() throws Exception {
        plantDir("root");
        Path hard = rootfs.resolve("root/hard");
        Files.deleteIfExists(hard);
        Files.createLink(hard, secret); // a host file reachable by name inside the rootfs
        Response r = Api.given(corrald).get(files("/root/hard"));
        assertEquals(403, r.statusCode(), r.asString());
        assertNoSecretIn(r);
        assertTrue(Envelopes.errorBody(r.asString()).path("error").asText().contains("not mapped"), r.asString());
        assertEquals(403, FilesApiTest.raw(corrald).body(FilesApiTest.bytes("overwrite")).post(files("/root/hard")).statusCode());
        assertEquals(403, FilesApiTest.raw(corrald).header("X-Incus-write", "append").body(FilesApiTest.bytes("append"))
                .post(files("/root/hard")).statusCode());
        Path back = local.resolve("hard");
        IncusCli.Result pull = incus.run("file", "pull", running + "/root/hard", back.toString());
        assertNotEquals(0, pull.exitCode(), pull.toString());
        assertFalse(Files.exists(back) && Files.readString(back).contains("host secret"));
        Path src = Files.writeString(local.resolve("h"), "sftp overwrite");
        IncusCli.Result push = incus.run("file", "push", src.toString(), running + "/root/hard", "--mode", "0777");
        assertNotEquals(0, push.exitCode(), push.toString());
        // it shows as the container sees it: owned by nobody
        assertEquals("65534", Api.given(corrald).head(files("/root/hard")).header("X-Incus-uid"));
        assertSecretUntouched();
        // the container may drop its name for it; the host file stays
        Envelopes.sync(Api.given(corrald).delete(files("/root/hard")));
        assertSecretUntouched();
    }

    @Test
    void pathsThroughProc() throws Exception {
        for (String path : List.of("/proc/self/environ", "/proc/1/root" + secret, "/proc/self/root/etc/shadow",
                "/proc/self/cwd" + secret)) {
            Response r = Api.given(corrald).get(files(path));
            assertEquals(404, r.statusCode(), path + ": the rootfs's /proc is an empty directory, not a procfs");
            assertNoSecretIn(r);
        }
        plantDir("root");
        plantLink("root/procroot", "/proc/1/root");
        plantLink("root/magic", "/proc/self/fd/0");
        assertEquals(404, Api.given(corrald).get(files("/root/procroot" + secret)).statusCode());
        assertEquals(404, Api.given(corrald).get(files("/root/magic/x")).statusCode());
        IncusCli.Result pull = incus.run("file", "pull", running + "/proc/1/root" + secret, local.resolve("p")
                .toString());
        assertNotEquals(0, pull.exitCode(), pull.toString());
        assertSecretUntouched();
    }
}
