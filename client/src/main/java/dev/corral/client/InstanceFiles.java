package dev.corral.client;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/**
 * {@code /1.0/instances/{name}/files?path=...}: files inside an instance (container file systems; a VM's through its
 * agent). Paths are absolute paths inside the instance.
 *
 * <pre>{@code
 * files.push("c1", "/etc/motd", "hello\n".getBytes(), FileOptions.of(0, 0, 0644)).join();
 * String motd = files.pull("c1", "/etc/motd").join().text();
 * }</pre>
 */
public interface InstanceFiles {

    /** A file's content (a symlink's target), or a directory's entries, with owner and mode. */
    CompletableFuture<InstanceFile> pull(String instance, String path);

    /** Streams a file to {@code target} on this machine (replaced if it exists); answers its owner and mode. */
    CompletableFuture<FileInfo> pullTo(String instance, String path, Path target);

    /** Writes {@code content} to a file (made, replaced, or appended to). */
    CompletableFuture<Void> push(String instance, String path, byte[] content, FileOptions options);

    /** Streams a local file into the instance. */
    CompletableFuture<Void> pushFrom(String instance, String path, Path source, FileOptions options);

    /** Makes a directory (its parent must exist). */
    CompletableFuture<Void> mkdir(String instance, String path, FileOptions options);

    /** Makes a symbolic link at {@code path} pointing to {@code target}. */
    CompletableFuture<Void> symlink(String instance, String path, String target, FileOptions options);

    /** Deletes a file, a link or an empty directory. */
    CompletableFuture<Void> delete(String instance, String path);
}
