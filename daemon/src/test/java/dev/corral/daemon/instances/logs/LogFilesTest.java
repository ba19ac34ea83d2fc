package dev.corral.daemon.instances.logs;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LogFilesTest {

    @Test
    void incusNames() {
        for (String name : new String[] {"lxc.log", "qemu.log", "qemu.early.log", "qemu.qmp.log", "snapshot_a.log",
                "migration_x", "snapshot_2024-01-01T00.00.log"}) {
            assertTrue(LogFiles.valid(name), name);
        }
        for (String name : new String[] {"console.log", "lxc.conf", "lxc-start.log", "lxc.log.old", "exec-output",
                "", "snapshot_", "x.log"}) {
            assertFalse(LogFiles.valid(name), name);
        }
        assertFalse(LogFiles.valid(null));
    }

    @Test
    void nothingThatLeavesTheDirectory() {
        for (String name : new String[] {"../lxc.log", "snapshot_../../etc/passwd", "snapshot_..", "migration_a/b",
                "snapshot_a\0", "/etc/passwd", "snapshot_a\nb", "migration_.."}) {
            assertFalse(LogFiles.valid(name), name);
        }
    }

    @Test
    void deletable() {
        assertTrue(LogFiles.deletable("snapshot_a.log"));
        assertTrue(LogFiles.deletable("qemu.early.log"));
        assertFalse(LogFiles.deletable("lxc.log"));
        assertFalse(LogFiles.deletable("qemu.log"));
        assertFalse(LogFiles.deletable("migration_x"), "not a .log");
        assertFalse(LogFiles.deletable("console.log"), "not a log file name at all");
    }
}
