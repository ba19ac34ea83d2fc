package dev.corral.container.lxc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.jna.Native;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The Java view of {@code struct lxc_container} against offsets measured with {@code offsetof} on liblxc 5.0.2's
 * header (Debian 12, x86-64): a field added, removed or mis-typed in {@link LibLxc} shifts everything after it.
 */
class LibLxcLayoutTest {

    @Test
    void structLxcContainerMatchesTheHeader() {
        Assumptions.assumeTrue(Native.POINTER_SIZE == 8, "offsets measured on a 64-bit platform");
        LibLxc.lxc_container s = new LibLxc.lxc_container();
        assertEquals(56, s.offsetOf("error_string"));
        assertEquals(64, s.offsetOf("error_num"));
        assertEquals(68, s.offsetOf("daemonize"));
        assertEquals(72, s.offsetOf("config_path"));
        assertEquals(80, s.offsetOf("is_defined"));
        assertEquals(88, s.offsetOf("state"));
        assertEquals(312, s.offsetOf("get_cgroup_item"));
        assertEquals(560, s.offsetOf("devpts_fd"));
        assertEquals(568, s.size());
    }
}
