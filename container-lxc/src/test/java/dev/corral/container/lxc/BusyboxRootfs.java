package dev.corral.container.lxc;

import dev.corral.instance.IdMap;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Test fixture: a minimal busybox root filesystem from Debian's busybox-static ({@code /bin/busybox}). Init mounts
 * /tmp (LXC mounts /proc and /sys), brings up lo, writes "corral-test-booted" to the console, then keeps a sleeper alive; it
 * halts on SIGPWR, SIGUSR1 or SIGUSR2 (busybox init's shutdown takes about 2 s: TERM, 1 s, KILL, 1 s).
 */
final class BusyboxRootfs {

    static final Path BUSYBOX = Path.of("/bin/busybox");
    static final String BOOT_MARK = "corral-test-booted";

    private static volatile List<String> applets;

    private BusyboxRootfs() {
    }

    static boolean available() {
        return Files.isExecutable(BUSYBOX);
    }

    /** Builds the tree at {@code rootfs} (created), owned by the mapped root of {@code idMap} (or host root). */
    static void build(Path rootfs, IdMap idMap) throws IOException {
        for (String d : List.of("bin", "sbin", "etc", "proc", "sys", "dev", "tmp", "root", "run", "var")) {
            Files.createDirectories(rootfs.resolve(d));
        }
        Files.setPosixFilePermissions(rootfs.resolve("tmp"), PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.copy(BUSYBOX, rootfs.resolve("bin/busybox"), StandardCopyOption.COPY_ATTRIBUTES);
        for (String applet : applets()) {
            if (!applet.equals("busybox")) {
                Path link = rootfs.resolve("bin").resolve(applet);
                if (!Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createSymbolicLink(link, Path.of("busybox"));
                }
            }
        }
        Files.createSymbolicLink(rootfs.resolve("sbin/init"), Path.of("../bin/busybox"));
        write(rootfs.resolve("etc/inittab"), """
                ::sysinit:/bin/mount -t tmpfs tmpfs /tmp
                ::sysinit:/bin/ip link set lo up
                console::sysinit:/bin/echo %s
                ::respawn:/bin/sleep 1000000
                ::shutdown:/bin/echo corral-test-shutdown
                """.formatted(BOOT_MARK));
        write(rootfs.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n");
        write(rootfs.resolve("etc/group"), "root:x:0:\n");
        write(rootfs.resolve("etc/hostname"), "busybox\n");
        if (idMap != null) {
            chownTree(rootfs, idMap.hostUid(), idMap.hostGid());
        }
    }

    private static void chownTree(Path root, long uid, long gid) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.toList()) {
                Files.setAttribute(p, "unix:uid", (int) uid, LinkOption.NOFOLLOW_LINKS);
                Files.setAttribute(p, "unix:gid", (int) gid, LinkOption.NOFOLLOW_LINKS);
            }
        }
    }

    /** Deletes a tree without following links (the rootfs is full of them). */
    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static List<String> applets() throws IOException {
        List<String> a = applets;
        if (a == null) {
            Process p = new ProcessBuilder(BUSYBOX.toString(), "--list").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            try {
                if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                    throw new IOException("busybox --list failed: " + out);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
            a = new ArrayList<>();
            for (String line : out.split("\n")) {
                if (!line.isBlank() && !line.contains("/")) {
                    a.add(line.trim());
                }
            }
            applets = a;
        }
        return a;
    }

    private static void write(Path p, String s) throws IOException {
        Files.writeString(p, s, StandardCharsets.UTF_8);
    }
}
