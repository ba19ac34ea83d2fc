package dev.corral.bench;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/** A temporary directory that is deleted, contents and all, on close. Symbolic links are removed, not followed. */
final class ScratchDir implements AutoCloseable {

    private final Path root;

    private ScratchDir(Path root) {
        this.root = root;
    }

    static ScratchDir create(String prefix) throws IOException {
        // Short /tmp paths: a unix socket path must fit in 108 bytes.
        return new ScratchDir(Files.createTempDirectory(Path.of("/tmp"), prefix));
    }

    Path path() {
        return root;
    }

    @Override
    public void close() throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
