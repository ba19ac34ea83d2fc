package dev.corral.container.lxc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.corral.instance.IdMap;
import dev.corral.instance.InstanceRef;
import dev.corral.instance.InstanceSpec;
import dev.corral.instance.InstanceType;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link LxcFiles} on a scratch root filesystem (no container needed; root needed for the ownership): the
 * contract of {@link dev.corral.instance.InstanceFiles}, and the escapes it must stop — {@code ..}, absolute and
 * relative links out of the root, a link swapped in while a transfer runs, hard links to host files, {@code /proc}.
 */
class LxcFilesTest {

    private static final IdMap MAP = LxcTestEnv.ID_MAP;

    private Path scratch;
    private Path rootfs;
    /** A host file outside the root that nothing may reach. */
    private Path secret;
    private FileSystem fs;

    @BeforeEach
    void setUp() throws IOException {
        assumeTrue(LxcTestEnv.isRoot(), "needs root (ownership through the id map)");
        scratch = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "lxc-files-");
        rootfs = scratch.resolve("volume/rootfs");
        Files.createDirectories(rootfs.resolve("etc"));
        Files.createDirectories(rootfs.resolve("root"));
        Files.writeString(rootfs.resolve("etc/hostname"), "c1\n");
        try (Stream<Path> all = Files.walk(scratch.resolve("volume"))) {
            for (Path p : all.toList()) {
                Files.setAttribute(p, "unix:uid", (int) MAP.hostUid(), LinkOption.NOFOLLOW_LINKS);
                Files.setAttribute(p, "unix:gid", (int) MAP.hostGid(), LinkOption.NOFOLLOW_LINKS);
            }
        }
        secret = scratch.resolve("secret");
        Files.writeString(secret, "host secret\n");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        fs = new LxcFiles().open(new InstanceSpec(new InstanceRef("default", "c1"), InstanceType.CONTAINER, Map.of(),
                Map.of(), scratch.resolve("volume"), scratch.resolve("logs"), MAP));
    }

    @AfterEach
    void tearDown() throws IOException {
        if (fs != null) {
            fs.close();
        }
        if (scratch != null) {
            try (Stream<Path> all = Files.walk(scratch)) {
                for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    private Path p(String path) {
        return fs.getPath(path);
    }

    /** A directory in the rootfs owned by the container's root, as the container would have made it. */
    private void containerDir(String relative) throws IOException {
        Path dir = Files.createDirectories(rootfs.resolve(relative));
        Files.setAttribute(dir, "unix:uid", (int) MAP.hostUid());
        Files.setAttribute(dir, "unix:gid", (int) MAP.hostGid());
    }

    private int hostUid(Path hostPath) throws IOException {
        return (int) Files.getAttribute(hostPath, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    }

    @Test
    void writesReadsAndMapsOwnership() throws IOException {
        Files.writeString(p("/root/a.txt"), "hello");
        assertEquals("hello", Files.readString(p("/root/a.txt")));
        assertEquals("hello", Files.readString(rootfs.resolve("root/a.txt")));
        assertEquals((int) MAP.hostUid(), hostUid(rootfs.resolve("root/a.txt")), "created as the container's root");
        assertEquals(0, Files.getAttribute(p("/root/a.txt"), "unix:uid"));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(p("/root/a.txt"))));

        Files.setAttribute(p("/root/a.txt"), "unix:uid", 1000);
        Files.setAttribute(p("/root/a.txt"), "unix:gid", 1001);
        assertEquals((int) MAP.hostUid() + 1000, hostUid(rootfs.resolve("root/a.txt")));
        assertEquals(1000, Files.getAttribute(p("/root/a.txt"), "unix:uid"));
        assertEquals(1001, Files.getAttribute(p("/root/a.txt"), "unix:gid"));
        assertThrows(FileSystemException.class, () -> Files.setAttribute(p("/root/a.txt"), "unix:uid", 70000),
                "an id outside the map is refused");

        Files.writeString(p("/root/a.txt"), " world", StandardOpenOption.APPEND);
        assertEquals("hello world", Files.readString(p("root/a.txt")), "relative paths start at /");

        Files.createDirectory(p("/root/d"));
        assertEquals((int) MAP.hostUid(), hostUid(rootfs.resolve("root/d")));
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(p("/root/d"))));
        Files.createSymbolicLink(p("/root/l"), p("a.txt"));
        assertEquals("a.txt", Files.readSymbolicLink(p("/root/l")).toString());
        assertEquals((int) MAP.hostUid(), hostUid(rootfs.resolve("root/l")));
        assertEquals("hello world", Files.readString(p("/root/l")));
        assertTrue(Files.isSymbolicLink(p("/root/l")));

        try (Stream<Path> list = Files.list(p("/root"))) {
            assertEquals(List.of("a.txt", "d", "l"), list.map(x -> x.getFileName().toString()).sorted().toList());
        }
        assertThrows(DirectoryNotEmptyException.class, () -> Files.delete(p("/root")));
        assertThrows(FileAlreadyExistsException.class, () -> Files.createDirectory(p("/root/d")));
        Files.delete(p("/root/d"));
        Files.delete(p("/root/l"));
        assertTrue(Files.exists(p("/root/a.txt")), "deleting a link leaves its target");
        assertThrows(NoSuchFileException.class, () -> Files.delete(p("/root/nope")));
        assertThrows(NoSuchFileException.class, () -> Files.writeString(p("/nodir/x"), "x"));
        Files.move(p("/root/a.txt"), p("/root/b.txt"));
        assertEquals("hello world", Files.readString(p("/root/b.txt")));
        assertEquals("/root/b.txt", p("/root/../root/./b.txt").toRealPath().toString());
    }

    @Test
    void dotDotStopsAtTheRoot() throws IOException {
        assertEquals("c1\n", Files.readString(p("/../../../etc/hostname")));
        assertEquals("c1\n", Files.readString(p("../../etc/hostname")));
        Files.writeString(p("/../../x"), "inside");
        assertTrue(Files.exists(rootfs.resolve("x")));
        assertFalse(Files.exists(scratch.resolve("x")));
        // .. inside a link's target, resolved by the kernel (not lexically)
        Files.createSymbolicLink(rootfs.resolve("root/up"), Path.of("../../../../.."));
        assertEquals("c1\n", Files.readString(p("/root/up/etc/hostname")));
        assertEquals("/", p("/root/up").toRealPath().toString());
    }

    @Test
    void linksOutOfTheRootStayInside() throws IOException {
        // absolute link to the host's secret (by its host path) and relative links climbing out
        Files.createSymbolicLink(rootfs.resolve("root/abs"), secret);
        Files.createSymbolicLink(rootfs.resolve("root/rel"), Path.of("../../secret"));
        Files.createSymbolicLink(rootfs.resolve("root/etc"), Path.of("/etc"));
        Files.createSymbolicLink(rootfs.resolve("hostetc"), Path.of("../../../../../etc"));
        assertThrows(NoSuchFileException.class, () -> Files.readString(p("/root/abs")));
        assertThrows(NoSuchFileException.class, () -> Files.readString(p("/root/rel")));
        assertEquals("c1\n", Files.readString(p("/root/etc/hostname")), "/etc is the container's");
        assertThrows(NoSuchFileException.class, () -> Files.readString(p("/hostetc/passwd")));
        // writing through them fails or creates inside, never outside
        assertThrows(NoSuchFileException.class, () -> Files.writeString(p("/root/abs"), "written"));
        assertEquals("host secret\n", Files.readString(secret));
        Files.writeString(p("/root/rel"), "written too");
        assertEquals("host secret\n", Files.readString(secret));
        assertEquals("written too", Files.readString(rootfs.resolve("secret")), "../.. stopped at the root");
        Path planted = Path.of("/tmp", "corral-planted-" + System.nanoTime());
        containerDir("tmp");
        Files.createSymbolicLink(rootfs.resolve("root/plant"), planted);
        Files.writeString(p("/root/plant"), "planted");
        assertFalse(Files.exists(planted), "nothing created on the host");
        assertEquals("planted", Files.readString(rootfs.resolve(planted.toString().substring(1))));
        // and nothing outside is changed through a link: chmod, chown, delete
        Files.createSymbolicLink(rootfs.resolve("root/hostsecret"), Path.of("../../secret"));
        Files.setPosixFilePermissions(p("/root/hostsecret"), PosixFilePermissions.fromString("rwxrwxrwx"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(secret)));
        Files.delete(p("/root/hostsecret"));
        assertTrue(Files.exists(secret));
    }

    @Test
    void aDirectorySwappedForALinkMidTransferStaysInside() throws Exception {
        containerDir("tmp");
        containerDir("tmp/d");
        Path hostDir = Files.createDirectories(scratch.resolve("hostdir"));
        AtomicBoolean stop = new AtomicBoolean();
        // the "container" swaps tmp/d between a directory and a link to the host directory, as fast as it can
        Thread swapper = new Thread(() -> {
            Path d = rootfs.resolve("tmp/d");
            Path swap = rootfs.resolve("tmp/swap");
            while (!stop.get()) {
                try {
                    Files.deleteIfExists(swap);
                    Files.createSymbolicLink(swap, hostDir);
                    Files.move(swap, d, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    Files.delete(d);
                    Files.createDirectory(d);
                    Files.setAttribute(d, "unix:uid", (int) MAP.hostUid());
                    Files.setAttribute(d, "unix:gid", (int) MAP.hostGid());
                } catch (IOException e) {
                    // races with ourselves are expected
                }
            }
        });
        swapper.start();
        int written = 0;
        try {
            for (int i = 0; i < 2000; i++) {
                try {
                    Files.writeString(p("/tmp/d/f" + (i % 10)), "x");
                    written++;
                } catch (IOException e) {
                    // a refused write is fine; an escaped one is not
                }
            }
        } finally {
            stop.set(true);
            swapper.join();
        }
        try (Stream<Path> escaped = Files.list(hostDir)) {
            assertEquals(List.of(), escaped.toList(), "nothing was written into the host directory ("
                    + written + " writes succeeded inside)");
        }
    }

    @Test
    void aLinkSwappedInWhileReadingChangesNothingOutside() throws IOException {
        Files.writeString(rootfs.resolve("root/big"), "a".repeat(1 << 20));
        try (FileChannel in = FileChannel.open(p("/root/big"), StandardOpenOption.READ)) {
            // swap the file for a link to the host secret after opening: the open channel keeps the inode
            Files.delete(rootfs.resolve("root/big"));
            Files.createSymbolicLink(rootfs.resolve("root/big"), secret);
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(16);
            in.read(buf);
            assertEquals("a".repeat(16), new String(buf.array(), StandardCharsets.US_ASCII));
        }
        assertThrows(NoSuchFileException.class, () -> Files.readString(p("/root/big")));
    }

    @Test
    void hardLinksToHostFilesAreRefused() throws IOException {
        Files.createLink(rootfs.resolve("root/hard"), secret); // what a host administrator's mistake could leave
        AccessDeniedException read = assertThrows(AccessDeniedException.class,
                () -> Files.readString(p("/root/hard")));
        assertTrue(read.getMessage().contains("not mapped"), read.getMessage());
        assertThrows(AccessDeniedException.class, () -> Files.writeString(p("/root/hard"), "x"));
        assertThrows(AccessDeniedException.class, () -> Files.setAttribute(p("/root/hard"), "unix:uid", 0));
        assertThrows(AccessDeniedException.class, () -> Files.setPosixFilePermissions(p("/root/hard"),
                PosixFilePermissions.fromString("rwxrwxrwx")));
        assertThrows(AccessDeniedException.class, () -> Files.createLink(p("/root/hard2"), p("/root/hard")));
        assertEquals("host secret\n", Files.readString(secret));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(secret)));
        assertEquals(0, hostUid(secret));
        // it reads as the container would see it: owned by nobody
        assertEquals(65534, Files.getAttribute(p("/root/hard"), "unix:uid", LinkOption.NOFOLLOW_LINKS));
        Files.delete(p("/root/hard")); // removing the name is the container's right
        assertTrue(Files.exists(secret));
    }

    @Test
    void procIsTheContainersEmptyDirectoryNotTheHosts() throws IOException {
        Files.createDirectories(rootfs.resolve("proc"));
        assertThrows(NoSuchFileException.class, () -> Files.readString(p("/proc/self/environ")));
        assertThrows(NoSuchFileException.class, () -> Files.readString(p("/proc/1/root/etc/shadow")));
        // a magic link planted in the rootfs is refused by RESOLVE_NO_MAGICLINKS, and /proc/self/root/... of the
        // host is just a path inside the container
        Files.createSymbolicLink(rootfs.resolve("root/self"), Path.of("/proc/self/root"));
        assertThrows(NoSuchFileException.class, () -> Files.readString(p("/root/self/etc/hostname")));
    }

    @Test
    void specialFilesHaveNoContents() throws Exception {
        Path fifo = rootfs.resolve("root/fifo");
        Process p = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertEquals(0, p.waitFor());
        assertThrows(AccessDeniedException.class, () -> Files.readString(p("/root/fifo")),
                "a FIFO is refused, not opened (which would block)");
        assertThrows(IOException.class, () -> Files.readString(p("/root")), "a directory has no contents");
        assertThrows(FileSystemException.class, () -> Files.writeString(p("/root"), "x"));
        assertTrue(Files.readAttributes(p("/root/fifo"), java.nio.file.attribute.BasicFileAttributes.class,
                LinkOption.NOFOLLOW_LINKS).isOther());
    }

    @Test
    void aLinkCreatedKeepsItsTargetAsGiven() throws IOException {
        Files.createSymbolicLink(p("/root/x"), p("../../etc/../etc/hostname"));
        assertEquals("../../etc/../etc/hostname", Files.readSymbolicLink(rootfs.resolve("root/x")).toString());
        assertArrayEquals("c1\n".getBytes(StandardCharsets.UTF_8), Files.readAllBytes(p("/root/x")));
    }
}
