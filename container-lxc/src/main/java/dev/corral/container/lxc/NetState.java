package dev.corral.container.lxc;

import com.sun.jna.LastErrorException;
import dev.corral.container.lxc.NetlinkRoute.Addr;
import dev.corral.container.lxc.NetlinkRoute.Link;
import dev.corral.instance.RuntimeState.Address;
import dev.corral.instance.RuntimeState.NetworkState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The network interfaces of a running container, read over rtnetlink inside its network namespace ({@link
 * NetlinkRoute}), in the shape of Incus's instance state: addresses with their prefix length as "netmask" and
 * scope "global", "link" or "local".
 */
final class NetState {

    private NetState() {
    }

    /** The interfaces of {@code pid}'s network namespace; empty if it cannot be entered (it stopped meanwhile). */
    static Map<String, NetworkState> read(int pid) {
        List<Link> links;
        List<Addr> addrs;
        try (NetlinkRoute nl = NetlinkRoute.inNetnsOf(pid)) {
            links = nl.links();
            addrs = nl.addresses();
        } catch (LastErrorException e) {
            return Map.of(); // the namespace is gone (ENOENT: init exited) or the kernel did not answer (EAGAIN)
        }
        return toState(links, addrs);
    }

    static Map<String, NetworkState> toState(List<Link> links, List<Addr> addrs) {
        Map<String, NetworkState> out = new LinkedHashMap<>();
        for (Link l : links) {
            List<Address> addresses = new ArrayList<>();
            for (Addr a : addrs) {
                if (a.index() == l.index()) {
                    addresses.add(address(a));
                }
            }
            out.put(l.name(), new NetworkState(l.hwaddr(), l.up() ? "up" : "down", l.mtu(), List.copyOf(addresses),
                    l.rxBytes(), l.txBytes(), l.rxPackets(), l.txPackets()));
        }
        return out;
    }

    static Address address(Addr a) {
        String scope = switch (a.scope()) {
            case 254 -> "local"; // RT_SCOPE_HOST
            case 253 -> "link"; // RT_SCOPE_LINK
            default -> "global";
        };
        boolean v6 = a.family() == NetlinkRoute.AF_INET6;
        return new Address(v6 ? "inet6" : "inet", v6 ? ipv6(a.address()) : ipv4(a.address()),
                Integer.toString(a.prefixLength()), scope);
    }

    static String ipv4(byte[] b) {
        if (b.length != 4) {
            return "";
        }
        return Byte.toUnsignedInt(b[0]) + "." + Byte.toUnsignedInt(b[1]) + "." + Byte.toUnsignedInt(b[2]) + "."
                + Byte.toUnsignedInt(b[3]);
    }

    /** RFC 5952 text: lower-case hex, leading zeros dropped, the longest run of two or more zero groups as "::". */
    static String ipv6(byte[] b) {
        if (b.length != 16) {
            return "";
        }
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            g[i] = (Byte.toUnsignedInt(b[2 * i]) << 8) | Byte.toUnsignedInt(b[2 * i + 1]);
        }
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString();
    }
}
