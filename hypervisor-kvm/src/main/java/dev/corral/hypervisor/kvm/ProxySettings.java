package dev.corral.hypervisor.kvm;

import dev.corral.api.ApiException;
import dev.corral.instance.DriverException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code proxy} devices of a VM. As in Incus, a VM's proxies work in NAT mode only ({@code nat: true}): the host
 * forwards the listen address's ports to the instance's static address (the {@code ipv4.address} or
 * {@code ipv6.address} of a bridged nic) with nftables ({@link NatTables}). Settings are checked when the
 * configuration changes; the static address when the VM starts.
 */
final class ProxySettings {

    private ProxySettings() {
    }

    /** A 400 naming the device when its settings are wrong. */
    static void validate(String name, Map<String, String> device, Map<String, Map<String, String>> devices) {
        parse(name, device);
    }

    /** The NAT rules of every proxy device; fails (as a start fails) when a proxy has no static address to go to. */
    static List<ProxyNat> rules(Map<String, Map<String, String>> devices) {
        List<ProxyNat> rules = new ArrayList<>();
        for (Map.Entry<String, Map<String, String>> entry : new TreeMap<>(devices).entrySet()) {
            if ("proxy".equals(entry.getValue().get("type"))) {
                rules.add(resolve(parse(entry.getKey(), entry.getValue()), devices));
            }
        }
        return rules;
    }

    /** What a proxy device says, checked; the target is the connect address as written. */
    private static ProxyNat parse(String name, Map<String, String> device) {
        if (!isTrue(device.get("nat"))) {
            throw invalid(name, "Only NAT mode is supported for proxies on VM instances");
        }
        String bind = device.getOrDefault("bind", "");
        if (!bind.isEmpty() && !bind.equals("host")) {
            throw invalid(name, "Only host-bound proxies can use NAT");
        }
        for (String key : List.of("uid", "gid", "mode", "security.uid", "security.gid")) {
            if (device.get(key) != null && !device.get(key).isEmpty()) {
                throw invalid(name, "Only proxy devices for non-abstract unix sockets can carry uid, gid, or mode"
                        + " properties");
            }
        }
        if (isTrue(device.get("proxy_protocol"))) {
            throw invalid(name, "The PROXY header can only be sent to tcp servers in non-nat mode");
        }
        Address listen = address(name, "listen", device.get("listen"));
        Address connect = address(name, "connect", device.get("connect"));
        if (!listen.protocol.equals(connect.protocol)) {
            throw invalid(name, "Proxying " + listen.protocol + " <-> " + connect.protocol
                    + " is not supported when using NAT");
        }
        if (listen.ip.isAnyLocalAddress()) {
            throw invalid(name, "Cannot listen on wildcard address \"" + listen.ip.getHostAddress()
                    + "\" when in nat mode");
        }
        boolean ipv6 = listen.ip instanceof java.net.Inet6Address;
        if (ipv6 != connect.ip instanceof java.net.Inet6Address) {
            throw invalid(name, "Cannot mix IP versions between listen and connect in nat mode");
        }
        if (connect.ports.size() != 1 && connect.ports.size() != listen.ports.size()) {
            throw invalid(name, "Mismatch between listen port(s) and connect port(s) count");
        }
        return new ProxyNat(name, ipv6, listen.protocol, listen.ip.getHostAddress(), listen.ports,
                connect.ip.getHostAddress(), connect.ports);
    }

    /** Points the rule at the instance's static address, which the connect address must be (or be a wildcard for). */
    private static ProxyNat resolve(ProxyNat rule, Map<String, Map<String, String>> devices) {
        String key = rule.ipv6() ? "ipv6.address" : "ipv4.address";
        String version = rule.ipv6() ? "IPv6" : "IPv4";
        boolean wildcard = rule.target().equals("0.0.0.0") || rule.target().equals("0:0:0:0:0:0:0:0");
        for (Map<String, String> nic : new TreeMap<>(devices).values()) {
            String address = nic.getOrDefault(key, "");
            if ("nic".equals(nic.get("type")) && "bridged".equals(nic.get("nictype")) && !address.isEmpty()
                    && (wildcard || sameAddress(address, rule.target()))) {
                return new ProxyNat(rule.device(), rule.ipv6(), rule.protocol(), rule.listenAddress(),
                        rule.listenPorts(), canonical(address), rule.targetPorts());
            }
        }
        throw new DriverException("Failed to start device \"" + rule.device() + "\": " + (wildcard
                ? "Instance has no static " + version + " address assigned to be used as the connect IP"
                : "Connect IP \"" + rule.target() + "\" must be one of the instance's static " + version
                        + " addresses"));
    }

    private record Address(String protocol, InetAddress ip, List<Integer> ports) {
    }

    /** {@code tcp:ADDRESS:PORTS} or {@code udp:...}, PORTS being ports and ranges separated by commas. */
    private static Address address(String name, String key, String value) {
        if (value == null || value.isEmpty()) {
            throw invalid(name, "Missing device option \"" + key + "\"");
        }
        int colon = value.indexOf(':');
        String protocol = colon < 0 ? value : value.substring(0, colon);
        if (!List.of("tcp", "udp", "unix").contains(protocol)) {
            throw invalid(name, "Invalid value for device option \"" + key + "\": Unknown protocol type \""
                    + protocol + "\"");
        }
        if (protocol.equals("unix")) {
            throw invalid(name, "Proxying unix sockets is not supported when using NAT");
        }
        String rest = value.substring(colon + 1);
        int portColon = rest.lastIndexOf(':');
        if (rest.isEmpty() || portColon < 0) {
            throw invalid(name, "Invalid value for device option \"" + key + "\": Missing address or port in \""
                    + value + "\"");
        }
        String host = rest.substring(0, portColon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        InetAddress ip = literal(host);
        if (ip == null) {
            throw invalid(name, "Invalid value for device option \"" + key + "\": Not an IP address \"" + host
                    + "\"");
        }
        List<Integer> ports = new ArrayList<>();
        for (String part : rest.substring(portColon + 1).split(",", -1)) {
            String[] range = part.split("-", -1);
            int first = port(name, key, range[0]);
            int last = range.length == 2 ? port(name, key, range[1]) : first;
            if (range.length > 2 || last < first) {
                throw invalid(name, "Invalid value for device option \"" + key + "\": Invalid port range \"" + part
                        + "\"");
            }
            for (int p = first; p <= last; p++) {
                ports.add(p);
            }
        }
        return new Address(protocol, ip, ports);
    }

    private static int port(String name, String key, String value) {
        try {
            int port = Integer.parseInt(value);
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw invalid(name, "Invalid value for device option \"" + key + "\": Invalid port \"" + value + "\"");
    }

    private static InetAddress literal(String text) {
        return IpLiteral.parse(text);
    }

    private static boolean sameAddress(String a, String b) {
        InetAddress x = literal(a);
        return x != null && x.equals(literal(b));
    }

    private static String canonical(String address) {
        InetAddress ip = literal(address);
        return ip == null ? address : ip.getHostAddress();
    }

    private static boolean isTrue(String value) {
        return value != null && value.matches("true|1|yes|on");
    }

    private static ApiException invalid(String name, String problem) {
        return VmSettings.invalidDevice(name, problem);
    }
}
