package dev.corral.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Images of our own, made from the distribution's busybox image with a marker file that makes their fingerprints
 * unique (so they never collide with the built-in image, another run, or whatever else a shared daemon holds): a
 * unified tarball, and the same tree as a split image (metadata tarball + rootfs tarball). Made with {@code tar}.
 */
final class TestImages {

    final Path unified;
    final Path metadata;
    final Path rootfs;
    final String marker;

    private TestImages(Path unified, Path metadata, Path rootfs, String marker) {
        this.unified = unified;
        this.metadata = metadata;
        this.rootfs = rootfs;
        this.marker = marker;
    }

    static TestImages create(Path work) throws IOException, InterruptedException {
        Path tree = work.resolve("tree");
        Files.createDirectories(tree);
        tar("-C", tree.toString(), "--numeric-owner", "-xzf", CorraldProcess.busyboxImage().toString());
        String marker = UUID.randomUUID().toString();
        Files.writeString(tree.resolve("rootfs/etc/corral-sdk-test"), marker + "\n", StandardCharsets.UTF_8);
        Path unified = work.resolve("busybox-" + marker.substring(0, 8) + ".tar.gz");
        tar("-C", tree.toString(), "--numeric-owner", "-czf", unified.toString(), "metadata.yaml", "templates",
                "rootfs");
        Path metadata = work.resolve("meta-" + marker.substring(0, 8) + ".tar.gz");
        tar("-C", tree.toString(), "--numeric-owner", "-czf", metadata.toString(), "metadata.yaml", "templates");
        Files.writeString(tree.resolve("rootfs/etc/corral-sdk-test"), marker + " split\n", StandardCharsets.UTF_8);
        Path rootfs = work.resolve("rootfs-" + marker.substring(0, 8) + ".tar.gz");
        tar("-C", tree.resolve("rootfs").toString(), "--numeric-owner", "-czf", rootfs.toString(), ".");
        return new TestImages(unified, metadata, rootfs, marker);
    }

    private static void tar(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add("tar");
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("tar " + String.join(" ", args) + " failed: " + output);
        }
    }

    /** The sha256 of files, concatenated: an image's fingerprint. */
    static String fingerprint(Path... files) throws IOException {
        try {
            java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
            for (Path file : files) {
                try (var in = Files.newInputStream(file)) {
                    byte[] buf = new byte[65536];
                    int n;
                    while ((n = in.read(buf)) > 0) {
                        sha.update(buf, 0, n);
                    }
                }
            }
            return java.util.HexFormat.of().formatHex(sha.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
