package dev.corral.storage;

import static dev.corral.storage.TestImages.importBytes;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.corral.instance.InstanceRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A tree packed by GNU tar (as image builders do) comes out of a privileged volume as it went in: types, modes,
 * owners, times, contents, link targets, hard links, extended attributes. Needs root.
 */
class GnuTarCompatibilityTest {

    @TempDir
    Path tmp;

    @BeforeEach
    void root() {
        Assumptions.assumeTrue(TestImages.isRoot(), "needs root (owners, security.capability)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"gnu", "posix"})
    void roundTrip(String format) throws Exception {
        Path src = Files.createDirectory(tmp.resolve("src"));
        Files.createDirectories(src.resolve("usr/bin"));
        Path ping = Files.writeString(src.resolve("usr/bin/ping"), "ping");
        TreeWriter.mode(ping, 0755);
        Posix.setXattr(ping, "security.capability", DirPoolTest.capV2((1 << 13) | (1 << 7)));
        Path su = Files.writeString(src.resolve("usr/bin/su"), "su");
        TreeWriter.mode(su, 04755);
        Files.createLink(src.resolve("usr/bin/su-again"), su);
        Files.createSymbolicLink(src.resolve("usr/bin/sh"), Path.of("/bin/busybox"));
        String deep = "a".repeat(90) + "/" + "b".repeat(90) + "/" + "c".repeat(120);
        Files.createDirectories(src.resolve(deep).getParent());
        Files.writeString(src.resolve(deep), "deep");
        Files.createSymbolicLink(src.resolve("long-link"), Path.of("../" + deep));
        Path home = Files.createDirectories(src.resolve("home/u"));
        TreeWriter.owner(home, 1000, 1001);
        TreeWriter.mode(home, 0700);
        Files.createDirectories(src.resolve("empty"));
        Path tmpDir = Files.createDirectories(src.resolve("tmp"));
        TreeWriter.mode(tmpDir, 01777);
        Posix.mknod(src.resolve("fifo"), Posix.S_IFIFO | 0600, 0, 0);
        Path note = Files.writeString(src.resolve("note"), "n");
        Posix.setXattr(note, "user.bin", new byte[] {(byte) 0xc3, (byte) 0x28, 0, (byte) 0xff});
        TreeWriter.mtime(note, 1_234_567_890L, 0);

        Path tarball = tmp.resolve("rootfs.tar.gz");
        Process p = new ProcessBuilder("tar", "--format=" + format, "--xattrs", "--xattrs-include=*",
                "--numeric-owner", "-C", src.toString(), "-czf", tarball.toString(), ".")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);

        ImageStore store = new ImageStore(tmp.resolve("images"));
        ImageInfo image = importBytes(store, TestImages.multipart("metadata", "m", TestImages.splitMetadata(),
                "rootfs", "r", Files.readAllBytes(tarball)), TestImages.splitUpload());
        DirPool pool = new DirPool("p", tmp.resolve("pool"), store);
        Path vol = pool.createInstanceVolume(new InstanceRef("default", "c"), image.fingerprint(), null);

        assertEquals(describe(src), describe(vol.resolve("rootfs")));
    }

    /** Everything about a tree that an extraction must keep, by relative path. */
    private static Map<String, String> describe(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        Map<Object, String> inodes = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String rel = root.relativize(p).toString();
                Map<String, Object> a = Files.readAttributes(p, "unix:mode,uid,gid,ino,nlink,lastModifiedTime",
                        LinkOption.NOFOLLOW_LINKS);
                int mode = (Integer) a.get("mode");
                StringBuilder d = new StringBuilder(Integer.toOctalString(mode))
                        .append(' ').append(a.get("uid")).append(':').append(a.get("gid"));
                int type = mode & Posix.S_IFMT;
                if (type != Posix.S_IFDIR) {
                    d.append(' ').append(a.get("lastModifiedTime"));
                }
                if (type == Posix.S_IFREG) {
                    d.append(" data=").append(Files.readString(p));
                    if ((Integer) a.get("nlink") > 1) {
                        String first = inodes.putIfAbsent(a.get("ino").toString(), rel);
                        d.append(" link=").append(first == null ? rel : first);
                    }
                } else if (type == Posix.S_IFLNK) {
                    d.append(" -> ").append(Files.readSymbolicLink(p));
                }
                for (String x : Posix.listXattrs(p)) {
                    d.append(' ').append(x).append('=')
                            .append(java.util.HexFormat.of().formatHex(Posix.getXattr(p, x)));
                }
                out.put(rel, d.toString());
            }
        }
        return out;
    }
}
