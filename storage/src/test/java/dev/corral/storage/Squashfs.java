package dev.corral.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** Makes squashfs files for tests with mksquashfs (squashfs-tools); tests skip where it is missing. */
final class Squashfs {

    private Squashfs() {
    }

    /** A squashfs of what the (gzipped) tarball holds. */
    static Path make(Path tmp, byte[] tarGz) throws IOException, InterruptedException {
        Path tree = Files.createTempDirectory(tmp, "sqfs-tree");
        Path tarball = tmp.resolve("sqfs-source.tar.gz");
        Files.write(tarball, tarGz);
        run("tar", "-C", tree.toString(), "--numeric-owner", "-xzf", tarball.toString());
        Path out = tmp.resolve("rootfs.squashfs");
        run("mksquashfs", tree.toString(), out.toString(), "-noappend", "-quiet", "-no-progress");
        return out;
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            Assumptions.abort(command[0] + " is not installed (" + e.getMessage() + ")");
            return;
        }
        byte[] out = p.getInputStream().readAllBytes();
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + new String(out));
        }
    }
}
