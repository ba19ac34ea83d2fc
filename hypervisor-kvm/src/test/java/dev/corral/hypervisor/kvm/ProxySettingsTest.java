package dev.corral.hypervisor.kvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.corral.api.ApiException;
import dev.corral.instance.DriverException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** VM proxy devices: Incus's NAT-mode rules and messages, and the nftables table they become. */
class ProxySettingsTest {

    private static final Map<String, String> NIC = Map.of("type", "nic", "nictype", "bridged", "parent", "br0",
            "ipv4.address", "192.0.2.2", "ipv6.address", "2001:db8::2");

    private static Map<String, Map<String, String>> devices(Map<String, String> proxy) {
        Map<String, Map<String, String>> devices = new HashMap<>();
        devices.put("eth0", NIC);
        devices.put("web", proxy);
        return devices;
    }

    private static Map<String, String> proxy(String listen, String connect, String... more) {
        Map<String, String> proxy = new HashMap<>(Map.of("type", "proxy", "nat", "true", "listen", listen,
                "connect", connect));
        for (int i = 0; i < more.length; i += 2) {
            proxy.put(more[i], more[i + 1]);
        }
        return proxy;
    }

    private static void assertInvalid(Map<String, String> proxy, String message) {
        ApiException e = assertThrows(ApiException.class,
                () -> ProxySettings.validate("web", proxy, devices(proxy)));
        assertEquals(400, e.status());
        assertEquals("Invalid devices: Device \"web\": " + message, e.getMessage());
    }

    @Test
    void incusRulesForNatMode() {
        assertInvalid(proxy("tcp:192.0.2.254:80", "tcp:0.0.0.0:80", "nat", "false"),
                "Only NAT mode is supported for proxies on VM instances");
        assertInvalid(proxy("tcp:0.0.0.0:80", "tcp:0.0.0.0:80"), "Cannot listen on wildcard address \"0.0.0.0\" when"
                + " in nat mode");
        assertInvalid(proxy("tcp:192.0.2.254:80", "udp:0.0.0.0:80"), "Proxying tcp <-> udp is not supported when"
                + " using NAT");
        assertInvalid(proxy("tcp:192.0.2.254:80", "tcp:[::]:80"), "Cannot mix IP versions between listen and connect"
                + " in nat mode");
        assertInvalid(proxy("tcp:192.0.2.254:80-81", "tcp:0.0.0.0:80,81,82"),
                "Mismatch between listen port(s) and connect port(s) count");
        assertInvalid(proxy("tcp:192.0.2.254:80", "tcp:0.0.0.0:80", "bind", "instance"),
                "Only host-bound proxies can use NAT");
        assertInvalid(proxy("sctp:192.0.2.254:80", "tcp:0.0.0.0:80"),
                "Invalid value for device option \"listen\": Unknown protocol type \"sctp\"");
        assertInvalid(proxy("tcp:example.org:80", "tcp:0.0.0.0:80"),
                "Invalid value for device option \"listen\": Not an IP address \"example.org\"");
        assertInvalid(proxy("tcp:192.0.2.254:99999", "tcp:0.0.0.0:80"),
                "Invalid value for device option \"listen\": Invalid port \"99999\"");
        assertInvalid(proxy("tcp:192.0.2.254:80", "tcp:0.0.0.0:80", "proxy_protocol", "true"),
                "The PROXY header can only be sent to tcp servers in non-nat mode");
    }

    @Test
    void theConnectAddressIsTheInstancesStaticAddress() {
        ProxyNat rule = ProxySettings.rules(devices(proxy("tcp:192.0.2.254:8080-8081", "tcp:0.0.0.0:80"))).get(0);
        assertEquals(new ProxyNat("web", false, "tcp", "192.0.2.254", List.of(8080, 8081), "192.0.2.2", List.of(80)),
                rule);
        ProxyNat v6 = ProxySettings.rules(devices(proxy("udp:[2001:db8::1]:53", "udp:[2001:db8::2]:5353")))
                .get(0);
        assertEquals("2001:db8:0:0:0:0:0:2", v6.target());
        DriverException other = assertThrows(DriverException.class, () -> ProxySettings.rules(
                devices(proxy("tcp:192.0.2.254:80", "tcp:192.0.2.9:80"))));
        assertEquals("Failed to start device \"web\": Connect IP \"192.0.2.9\" must be one of the instance's static"
                + " IPv4 addresses", other.getMessage());
        Map<String, Map<String, String>> noStatic = Map.of("web", proxy("tcp:192.0.2.254:80", "tcp:0.0.0.0:80"));
        DriverException none = assertThrows(DriverException.class, () -> ProxySettings.rules(noStatic));
        assertEquals("Failed to start device \"web\": Instance has no static IPv4 address assigned to be used as the"
                + " connect IP", none.getMessage());
    }

    @Test
    void nftablesScript() throws Exception {
        List<ProxyNat> rules = List.of(
                new ProxyNat("web", false, "tcp", "192.0.2.254", List.of(8080, 8081), "192.0.2.2", List.of(80)),
                new ProxyNat("dns", true, "udp", "2001:db8::1", List.of(53), "2001:db8::2", List.of(5353)));
        String table = NatTables.table("corral-v1");
        String script = NatTables.script("corral-v1", rules);
        assertTrue(table.matches("corral_[0-9a-f]{16}"), table);
        assertTrue(script.contains("""
                  chain prerouting {
                    type nat hook prerouting priority -100; policy accept;
                    ip daddr 192.0.2.254 tcp dport 8080 dnat to 192.0.2.2:80
                    ip daddr 192.0.2.254 tcp dport 8081 dnat to 192.0.2.2:80
                    ip6 daddr 2001:db8::1 udp dport 53 dnat to [2001:db8::2]:5353
                  }
                """), script);
        assertTrue(script.contains("    ip saddr 192.0.2.2 ip daddr 192.0.2.2 tcp dport 80 masquerade\n"), script);
        assertTrue(script.startsWith("add table inet " + table + "\ndelete table inet " + table + "\n"), script);
        // nft's check mode parses and checks the script against the kernel without changing anything.
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/nft")), "nftables is not installed");
        Process p = new ProcessBuilder("/usr/sbin/nft", "-c", "-f", "-").redirectErrorStream(true).start();
        p.getOutputStream().write(script.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out + "\n" + script);
    }
}
