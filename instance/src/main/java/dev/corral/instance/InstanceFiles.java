package dev.corral.instance;

import java.io.IOException;
import java.nio.file.FileSystem;

/**
 * Files inside an instance, as a {@link FileSystem} rooted at the instance's root: what the files API and SFTP
 * serve. A capability of a driver ({@link InstanceDriver#capability}).
 *
 * <p>The contract every implementation keeps:
 * <ul>
 *   <li>Paths are the instance's paths ({@code /etc/hostname}); a relative path is taken from {@code /}. Nothing
 *       resolves outside the instance: {@code ..} stops at its root, symbolic links (absolute or relative, and those
 *       swapped in while a call runs) are followed as the instance would follow them, inside it.</li>
 *   <li>Ownership is the instance's view: the {@code unix:uid} and {@code unix:gid} attributes (and {@code
 *       posix:owner}/{@code posix:group}, named by the number) are ids inside the instance, mapped through its id
 *       map both ways. What the file system creates is owned by the instance's root (0:0 inside).</li>
 *   <li>Access is the instance root's: what the instance's root could not read or change (a file whose owner is not
 *       mapped into it, such as a hard link to a host file) is refused with {@link
 *       java.nio.file.AccessDeniedException}.</li>
 *   <li>Only regular files have contents: opening a device, socket or FIFO is refused.</li>
 *   <li>Errors are the standard {@code java.nio.file} exceptions ({@link java.nio.file.NoSuchFileException}, {@link
 *       java.nio.file.FileAlreadyExistsException}, {@link java.nio.file.DirectoryNotEmptyException}, {@link
 *       java.nio.file.NotDirectoryException}, {@link java.nio.file.AccessDeniedException}, {@link
 *       java.nio.file.FileSystemException}).</li>
 * </ul>
 *
 * <p>Supported attribute views: {@code basic}, {@code posix} and {@code unix} (the names of the JDK's own).
 * Works whether the instance runs or not.
 *
 * <p>Threading: {@link #open} and every operation of the returned file system block; the file system may be used
 * from several threads. Close it to release what it holds.
 */
public interface InstanceFiles {

    /** The instance's files; close the result when done. */
    FileSystem open(InstanceSpec spec) throws IOException;
}
