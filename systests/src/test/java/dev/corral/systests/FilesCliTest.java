package dev.corral.systests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Instance files through the real clients: the {@code incus} 6.0 CLI (which speaks SFTP over {@code
 * /1.0/instances/{name}/sftp} for every {@code incus file} command) and the {@code lxc} 5.0 CLI (the REST {@code
 * /files} endpoint with {@code X-LXD-*} headers). Checked on the host: contents, owner and mode of the files in the
 * container's rootfs (container root is host uid 1000000).
 */
class FilesCliTest {

    @RegisterExtension
    static final Corrald corrald = Corrald.create();

    private static final Containers containers = new Containers(corrald);
    private static IncusCli incus;
    private static IncusCli lxc;
    private static String running;
    private static String stopped;

    @TempDir
    Path local;

    @BeforeAll
    static void launch() throws Exception {
        corrald.assumeCorrald("needs the built-in busybox image and the rootfs on disk");
        incus = IncusCli.incus(corrald);
        lxc = IncusCli.lxc(corrald);
        running = containers.launch("files-cli");
        stopped = containers.createStopped("files-cli-stopped");
    }

    @AfterAll
    static void cleanup() {
        containers.cleanup();
        if (incus != null) {
            incus.close();
        }
        if (lxc != null) {
            lxc.close();
        }
    }

    private static Path rootfs(String instance) {
        return FilesApiTest.rootfs(corrald, instance);
    }

    private static int uid(Path p) throws Exception {
        return (int) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    }

    private static int gid(Path p) throws Exception {
        return (int) Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS);
    }

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    }

    // ---- incus ----

    @Test
    void pushAndPullWithModeUidGid() throws Exception {
        Path src = Files.writeString(local.resolve("a.txt"), "pushed by incus\n");
        incus.run("file", "push", src.toString(), running + "/root/a.txt", "--mode", "0640", "--uid", "1000",
                "--gid", "1001").assertSuccess();
        Path onHost = rootfs(running).resolve("root/a.txt");
        assertEquals("pushed by incus\n", Files.readString(onHost));
        assertEquals(1_001_000, uid(onHost));
        assertEquals(1_001_001, gid(onHost));
        assertEquals("rw-r-----", mode(onHost));

        Path back = local.resolve("back.txt");
        incus.run("file", "pull", running + "/root/a.txt", back.toString()).assertSuccess();
        assertEquals("pushed by incus\n", Files.readString(back));
        String viaStdout = incus.run("file", "pull", running + "/etc/hostname", "-").assertSuccess().stdout();
        assertFalse(viaStdout.isBlank(), "pull to stdout");

        // a default push: owned by the container's root, mode of the local file
        Path plain = Files.writeString(local.resolve("plain"), "x");
        Files.setPosixFilePermissions(plain, PosixFilePermissions.fromString("rwxr-x---"));
        incus.run("file", "push", plain.toString(), running + "/root/plain").assertSuccess();
        assertEquals(1_000_000, uid(rootfs(running).resolve("root/plain")));
        assertEquals("rwxr-x---", mode(rootfs(running).resolve("root/plain")));
    }

    @Test
    void pushAndPullTrees() throws Exception {
        Path tree = Files.createDirectories(local.resolve("tree/a/b"));
        Files.writeString(local.resolve("tree/a/one"), "1");
        Files.writeString(local.resolve("tree/a/b/two"), "2");
        Files.createSymbolicLink(local.resolve("tree/a/link"), Path.of("one"));
        Files.setPosixFilePermissions(tree, PosixFilePermissions.fromString("rwxr-x---"));
        incus.run("file", "push", "-r", local.resolve("tree").toString(), running + "/root/").assertSuccess();
        Path pushed = rootfs(running).resolve("root/tree");
        assertEquals("1", Files.readString(pushed.resolve("a/one")));
        assertEquals("2", Files.readString(pushed.resolve("a/b/two")));
        assertEquals("one", Files.readSymbolicLink(pushed.resolve("a/link")).toString());
        assertEquals("rwxr-x---", mode(pushed.resolve("a/b")));
        try (Stream<Path> all = Files.walk(pushed)) {
            for (Path p : all.toList()) {
                assertEquals(1_000_000, uid(p), p + " owned by the container's root");
            }
        }

        Path pulled = Files.createDirectories(local.resolve("pulled"));
        incus.run("file", "pull", "-r", running + "/root/tree", pulled.toString()).assertSuccess();
        assertEquals("1", Files.readString(pulled.resolve("tree/a/one")));
        assertEquals("2", Files.readString(pulled.resolve("tree/a/b/two")));
        assertTrue(Files.isSymbolicLink(pulled.resolve("tree/a/link")));
    }

    @Test
    void deleteCreateAndMkdir() throws Exception {
        Path root = rootfs(running).resolve("root");
        incus.run("file", "create", running + "/root/empty").assertSuccess();
        assertTrue(Files.isRegularFile(root.resolve("empty")));
        assertEquals(0, Files.size(root.resolve("empty")));
        incus.run("file", "create", "--type=directory", "--mode=0700", running + "/root/made").assertSuccess();
        assertTrue(Files.isDirectory(root.resolve("made")));
        assertEquals("rwx------", mode(root.resolve("made")));
        incus.run("file", "create", "-p", running + "/root/deep/er/file").assertSuccess();
        assertTrue(Files.isRegularFile(root.resolve("deep/er/file")));
        assertEquals(1_000_000, uid(root.resolve("deep/er")));
        incus.run("file", "create", "--type=symlink", running + "/root/sl", "/etc/hostname").assertSuccess();
        assertEquals("/etc/hostname", Files.readSymbolicLink(root.resolve("sl")).toString());

        incus.run("file", "delete", running + "/root/empty").assertSuccess();
        assertFalse(Files.exists(root.resolve("empty")));
        IncusCli.Result missing = incus.run("file", "delete", running + "/root/empty");
        assertNotEquals(0, missing.exitCode(), missing.toString());
        IncusCli.Result notEmpty = incus.run("file", "delete", running + "/root/deep");
        assertNotEquals(0, notEmpty.exitCode(), "a directory that is not empty stays: " + notEmpty);
        incus.run("file", "delete", "-f", running + "/root/deep").assertSuccess();
        assertFalse(Files.exists(root.resolve("deep")));
        incus.run("file", "delete", running + "/root/sl").assertSuccess();
        assertTrue(Files.exists(rootfs(running).resolve("etc/hostname")), "the link's target stays");
    }

    @Test
    void editWithAnEditor() throws Exception {
        Path src = Files.writeString(local.resolve("e.txt"), "before\n");
        incus.run("file", "push", src.toString(), running + "/root/e.txt").assertSuccess();
        Path editor = Files.writeString(local.resolve("editor.sh"), "#!/bin/sh\necho 'after' >> \"$1\"\n");
        Files.setPosixFilePermissions(editor, PosixFilePermissions.fromString("rwx------"));
        // incus file edit reads standard input when it is not a terminal: give it one (script(1))
        int exit = onATerminal(editor, "INCUS_DIR", IncusCli.INCUS + " file edit " + running + "/root/e.txt");
        assertEquals(0, exit);
        assertEquals("before\nafter\n", Files.readString(rootfs(running).resolve("root/e.txt")));
    }

    @Test
    void stoppedInstances() throws Exception {
        Path src = Files.writeString(local.resolve("s.txt"), "stopped\n");
        incus.run("file", "push", src.toString(), stopped + "/root/s.txt", "--uid", "7").assertSuccess();
        assertEquals(1_000_007, uid(rootfs(stopped).resolve("root/s.txt")));
        assertEquals("stopped\n", incus.run("file", "pull", stopped + "/root/s.txt", "-").assertSuccess().stdout());
        assertEquals("Stopped", containers.status(stopped));
    }

    @Test
    void aHundredMegabytes() throws Exception {
        Path big = local.resolve("big.bin");
        byte[] chunk = new byte[1024 * 1024];
        new java.util.Random(1).nextBytes(chunk);
        try (var out = Files.newOutputStream(big)) {
            for (int i = 0; i < 100; i++) {
                out.write(chunk);
            }
        }
        long t0 = System.nanoTime();
        incus.run("file", "push", big.toString(), running + "/root/big.bin").assertSuccess();
        long t1 = System.nanoTime();
        Path back = local.resolve("big.back");
        incus.run("file", "pull", running + "/root/big.bin", back.toString()).assertSuccess();
        long t2 = System.nanoTime();
        assertEquals(Files.size(big), Files.size(back));
        assertEquals(-1, Files.mismatch(big, back));
        System.out.printf("100 MiB through incus file: push %d ms, pull %d ms%n", (t1 - t0) / 1_000_000,
                (t2 - t1) / 1_000_000);
        Files.delete(rootfs(running).resolve("root/big.bin"));
    }

    // ---- lxc 5.0 ----

    @Test
    void lxcPushAndPull() throws Exception {
        Path src = Files.writeString(local.resolve("l.txt"), "pushed by lxc\n");
        lxc.run("file", "push", src.toString(), running + "/root/l.txt", "--mode", "0600", "--uid", "3", "--gid",
                "4").assertSuccess();
        Path onHost = rootfs(running).resolve("root/l.txt");
        assertEquals("pushed by lxc\n", Files.readString(onHost));
        assertEquals(1_000_003, uid(onHost));
        assertEquals(1_000_004, gid(onHost));
        assertEquals("rw-------", mode(onHost));
        Path back = local.resolve("lback.txt");
        lxc.run("file", "pull", running + "/root/l.txt", back.toString()).assertSuccess();
        assertEquals("pushed by lxc\n", Files.readString(back));

        Files.createDirectories(rootfs(running).resolve("root/ltree/sub"));
        Files.writeString(rootfs(running).resolve("root/ltree/sub/f"), "deep");
        Path pulled = Files.createDirectories(local.resolve("lpulled"));
        lxc.run("file", "pull", "-r", running + "/root/ltree", pulled.toString()).assertSuccess();
        assertEquals("deep", Files.readString(pulled.resolve("ltree/sub/f")));

        Path editor = Files.writeString(local.resolve("leditor.sh"), "#!/bin/sh\necho 'edited' >> \"$1\"\n");
        Files.setPosixFilePermissions(editor, PosixFilePermissions.fromString("rwx------"));
        assertEquals(0, onATerminal(editor, "LXD_DIR", IncusCli.LXC + " file edit " + running + "/root/l.txt"));
        assertEquals("pushed by lxc\nedited\n", Files.readString(onHost));
    }

    /** What needs the extensions the lxc client checks for (they come with the files API's API extensions). */
    @Test
    void lxcRecursivePushAndDelete() throws Exception {
        JsonNode server = Envelopes.sync(Api.given(corrald).get("/1.0"));
        List<String> extensions = Json.strings(server.path("api_extensions"));
        Assumptions.assumeTrue(extensions.contains("directory_manipulation") && extensions.contains("file_delete"),
                "the lxc 5.0 client refuses push -r and delete without the directory_manipulation and file_delete "
                        + "API extensions, which GET /1.0 does not list yet");
        Files.createDirectories(local.resolve("lt/x"));
        Files.writeString(local.resolve("lt/x/y"), "y");
        lxc.run("file", "push", "-r", "-p", local.resolve("lt").toString(), running + "/root/lxcpushed/")
                .assertSuccess();
        assertEquals("y", Files.readString(rootfs(running).resolve("root/lxcpushed/lt/x/y")));
        lxc.run("file", "delete", running + "/root/lxcpushed/lt/x/y").assertSuccess();
        assertFalse(Files.exists(rootfs(running).resolve("root/lxcpushed/lt/x/y")));
    }

    /** Runs {@code command} on a pseudo-terminal ({@code script -qec}) with {@code EDITOR} and the client env. */
    private int onATerminal(Path editor, String dirVariable, String command) throws Exception {
        Path home = Files.createDirectories(local.resolve("home"));
        ProcessBuilder pb = new ProcessBuilder("/usr/bin/script", "-qec", command, "/dev/null")
                .redirectErrorStream(true)
                .redirectOutput(local.resolve("script.out").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().clear();
        pb.environment().put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        pb.environment().put("HOME", home.toString());
        pb.environment().put("TERM", "dumb");
        pb.environment().put("EDITOR", editor.toString());
        pb.environment().put(dirVariable, corrald.dir().toString());
        pb.environment().put("INCUS_CONF", home.resolve("incus").toString());
        pb.environment().put("LXD_CONF", home.resolve("lxd").toString());
        Process p = pb.start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(command + " did not finish: "
                    + Files.readString(local.resolve("script.out"), StandardCharsets.UTF_8));
        }
        if (p.exitValue() != 0) {
            System.err.println(command + ": " + Files.readString(local.resolve("script.out")));
        }
        return p.exitValue();
    }
}
