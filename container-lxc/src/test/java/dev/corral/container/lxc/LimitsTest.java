package dev.corral.container.lxc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.corral.instance.DriverException;
import java.util.List;
import org.junit.jupiter.api.Test;

class LimitsTest {

    private static final long HOST_MEM = 8L << 30;

    @Test
    void memoryUnitsAsIncusSpellsThem() {
        assertEquals(256L << 20, Limits.memoryBytes("256MiB", HOST_MEM));
        assertEquals(1_000_000_000L, Limits.memoryBytes("1GB", HOST_MEM));
        assertEquals(1L << 30, Limits.memoryBytes("1GiB", HOST_MEM));
        assertEquals(3L << 29, Limits.memoryBytes("1.5GiB", HOST_MEM));
        assertEquals(512_000L, Limits.memoryBytes("512kB", HOST_MEM));
        assertEquals(4096L, Limits.memoryBytes("4096", HOST_MEM));
        assertEquals(4096L, Limits.memoryBytes("4096B", HOST_MEM));
        assertEquals(HOST_MEM / 2, Limits.memoryBytes("50%", HOST_MEM));
        assertEquals(HOST_MEM, Limits.memoryBytes("100%", HOST_MEM));
    }

    @Test
    void badMemoryValues() {
        for (String bad : List.of("", "lots", "1XB", "-1GiB", "0", "0%", "150%", "1.5B", "99999999999EiB")) {
            assertThrows(DriverException.class, () -> Limits.memoryBytes(bad, HOST_MEM), bad);
        }
    }

    @Test
    void cpuCountTakesTheFirstOnlineCpus() {
        List<Integer> online = List.of(0, 1, 2, 3, 6, 7);
        assertEquals("0", Limits.cpuset("1", online));
        assertEquals("0-2", Limits.cpuset("3", online));
        assertEquals("0-3,6", Limits.cpuset("5", online));
        assertEquals("0-3,6-7", Limits.cpuset("64", online), "more than the host has: all of them");
    }

    @Test
    void cpuListsAreUsedAsGiven() {
        List<Integer> online = List.of(0, 1, 2, 3);
        assertEquals("0-1", Limits.cpuset("0-1", online));
        assertEquals("0,1", Limits.cpuset("0,1", online));
        assertEquals("0-1,3", Limits.cpuset("0-1,3", online));
        for (String bad : List.of("0", "-1", "a", "0-", "1-0", "0,,1", "0-4", "1,5")) {
            assertThrows(DriverException.class, () -> Limits.cpuset(bad, online), bad); // "0": a count of none
        }
    }

    @Test
    void cpuListRoundTrip() {
        assertEquals(List.of(0, 1, 2, 5), Limits.parseCpuList("0-2,5"));
        assertEquals(List.of(), Limits.parseCpuList(""));
        assertEquals("0-2,5", Limits.formatCpuList(List.of(0, 1, 2, 5)));
        assertEquals("3", Limits.formatCpuList(List.of(3)));
        assertEquals("", Limits.formatCpuList(List.of()));
    }
}
