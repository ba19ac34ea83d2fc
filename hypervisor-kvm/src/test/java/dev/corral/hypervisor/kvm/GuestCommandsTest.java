package dev.corral.hypervisor.kvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import org.junit.jupiter.api.Test;

/** The guest's error texts (busybox's and qemu-ga's) as java.nio.file exceptions. */
class GuestCommandsTest {

    @Test
    void errorTextsMapToExceptions() {
        assertInstanceOf(NoSuchFileException.class, GuestCommands.failure("/x",
                "stat: can't stat '/x': No such file or directory"));
        assertInstanceOf(NoSuchFileException.class, GuestCommands.failure("/x",
                "internal error: unable to execute QEMU agent command 'guest-file-open': failed to open file '/x' "
                        + "(mode: 'r'): No such file or directory"));
        assertInstanceOf(AccessDeniedException.class, GuestCommands.failure("/x",
                "cat: can't open '/x': Permission denied"));
        assertInstanceOf(FileAlreadyExistsException.class, GuestCommands.failure("/d",
                "mkdir: can't create directory '/d': File exists"));
        assertInstanceOf(DirectoryNotEmptyException.class, GuestCommands.failure("/d",
                "rmdir: '/d': Directory not empty"));
        assertInstanceOf(NotDirectoryException.class, GuestCommands.failure("/f/x",
                "stat: can't stat '/f/x': Not a directory"));
        FileSystemException other = (FileSystemException) GuestCommands.failure("/x", "  disk full \n");
        assertEquals("disk full", other.getReason());
    }
}
