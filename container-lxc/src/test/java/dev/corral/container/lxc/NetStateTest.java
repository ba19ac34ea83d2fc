package dev.corral.container.lxc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.corral.container.lxc.NetlinkRoute.Addr;
import dev.corral.container.lxc.NetlinkRoute.Link;
import dev.corral.instance.RuntimeState.Address;
import dev.corral.instance.RuntimeState.NetworkState;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NetStateTest {

    private static byte[] bytes(int... b) {
        byte[] out = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = (byte) b[i];
        }
        return out;
    }

    @Test
    void ipv6TextIsRfc5952() {
        assertEquals("::1", NetState.ipv6(bytes(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1)));
        assertEquals("::", NetState.ipv6(new byte[16]));
        assertEquals("fe80::fc00:ff:fe00:1",
                NetState.ipv6(bytes(0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0xfc, 0, 0, 0xff, 0xfe, 0, 0, 1)));
        assertEquals("fd00::2", NetState.ipv6(bytes(0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2)));
        assertEquals("2001:db8:0:1:1:1:1:1",
                NetState.ipv6(bytes(0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1)),
                "a single zero group is not shortened");
        assertEquals("2001:db8::1:0:0:1",
                NetState.ipv6(bytes(0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1)),
                "the first of two equally long zero runs");
    }

    @Test
    void linksWithTheirAddresses() {
        List<Link> links = List.of(new Link(1, "lo", "00:00:00:00:00:00", 65536, true, 10, 10, 1, 1),
                new Link(2, "eth0", "00:16:3e:00:00:01", 1500, false, 0, 0, 0, 0));
        List<Addr> addrs = List.of(new Addr(1, NetlinkRoute.AF_INET, 8, 254, bytes(127, 0, 0, 1)),
                new Addr(2, NetlinkRoute.AF_INET, 24, 0, bytes(10, 0, 3, 5)),
                new Addr(2, NetlinkRoute.AF_INET6, 64, 253,
                        bytes(0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0x02, 0x16, 0x3e, 0xff, 0xfe, 0, 0, 1)));
        Map<String, NetworkState> state = NetState.toState(links, addrs);
        assertEquals(List.of("lo", "eth0"), List.copyOf(state.keySet()));
        assertEquals(new NetworkState("00:00:00:00:00:00", "up", 65536,
                List.of(new Address("inet", "127.0.0.1", "8", "local")), 10, 10, 1, 1), state.get("lo"));
        assertEquals(List.of(new Address("inet", "10.0.3.5", "24", "global"),
                new Address("inet6", "fe80::216:3eff:fe00:1", "64", "link")), state.get("eth0").addresses());
        assertEquals("down", state.get("eth0").state());
    }
}
