package dev.corral.systests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * VM nics through the real {@code incus} CLI, with traffic: a bridged nic and a macvlan nic each reach an address
 * inside a network namespace this test made (on a bridge, or behind a veth pair), and a nic is plugged out and in
 * again while the VM runs. No traffic goes anywhere else: the bridge and the veth pairs have no other ports.
 */
class VmNetworkTest {

    @RegisterExtension
    static final Corrald corrald = Corrald.create();

    /** TEST-NET-1 (RFC 5737): inside this test's namespaces only. */
    private static final String PEER = "192.0.2.1";
    private static final String GUEST = "192.0.2.2";

    private static IncusCli incus;
    private final List<String> vms = new ArrayList<>();
    private final List<String[]> undo = new ArrayList<>();

    @BeforeAll
    static void cli() throws Exception {
        incus = VmGuests.cli(corrald);
    }

    @AfterEach
    void cleanup() throws Exception {
        for (String vm : vms) {
            incus.run("delete", "--force", vm);
        }
        for (int i = undo.size() - 1; i >= 0; i--) {
            host(false, undo.get(i));
        }
    }

    @Test
    void bridgedNicReachesANamespaceOnTheBridge() throws Exception {
        String id = id();
        String bridge = bridge(id);
        host(true, "ip", "link", "set", bridge, "up");
        String hostEnd = peerNamespace(id);
        host(true, "ip", "link", "set", hostEnd, "master", bridge);

        String vm = vm("vmbr");
        String mac = "00:16:3e:c0:" + id.substring(0, 2) + ":" + id.substring(2, 4);
        incus.run("config", "device", "add", vm, "eth0", "nic", "nictype=bridged", "parent=" + bridge,
                "hwaddr=" + mac).assertSuccess();
        incus.run(Duration.ofMinutes(2), "start", vm).assertSuccess();
        VmGuests.awaitAgent(incus, vm);
        assertPings(vm, mac);

        // Plugged out and in again while the VM runs.
        incus.run("config", "device", "remove", vm, "eth0").assertSuccess();
        assertEquals("", awaitInterface(vm, mac, false));
        incus.run("config", "device", "add", vm, "eth0", "nic", "nictype=bridged", "parent=" + bridge,
                "hwaddr=" + mac).assertSuccess();
        assertPings(vm, mac);
    }

    @Test
    void macvlanNicReachesANamespaceThroughItsParent() throws Exception {
        String id = id();
        String parent = peerNamespace(id);
        String vm = vm("vmmv");
        String mac = "00:16:3e:c1:" + id.substring(0, 2) + ":" + id.substring(2, 4);
        incus.run("config", "device", "add", vm, "eth0", "nic", "nictype=macvlan", "parent=" + parent,
                "hwaddr=" + mac).assertSuccess();
        incus.run(Duration.ofMinutes(2), "start", vm).assertSuccess();
        VmGuests.awaitAgent(incus, vm);
        assertPings(vm, mac);
    }

    @Test
    void aMissingParentFailsTheStart() throws Exception {
        String vm = vm("vmnp");
        String parent = "cbr" + id();
        incus.run("config", "device", "add", vm, "eth0", "nic", "nictype=bridged", "parent=" + parent)
                .assertSuccess();
        IncusCli.Result start = incus.run(Duration.ofMinutes(2), "start", vm);
        assertTrue(start.exitCode() != 0 && start.stderr().contains("Failed to start device \"eth0\": Parent device \""
                + parent + "\" doesn't exist"), start.toString());
        IncusCli.Result bad = incus.run("config", "device", "add", vm, "eth1", "nic", "nictype=macvlan");
        assertTrue(bad.exitCode() != 0 && bad.stderr().contains("Missing \"parent\""), bad.toString());
    }

    /**
     * A NAT proxy's rules exist while the VM runs, follow a change of the device live, and go when it stops. Only
     * the host's rule set is looked at: no traffic is sent through them.
     */
    @Test
    void natProxyRulesFollowTheVm() throws Exception {
        String bridge = bridge(id());
        String vm = vm("vmpx");
        incus.run("config", "device", "add", vm, "eth0", "nic", "nictype=bridged", "parent=" + bridge,
                "ipv4.address=" + GUEST).assertSuccess();
        IncusCli.Result notNat = incus.run("config", "device", "add", vm, "web", "proxy", "listen=tcp:192.0.2.254:8080",
                "connect=tcp:0.0.0.0:80");
        assertTrue(notNat.exitCode() != 0 && notNat.stderr().contains(
                "Only NAT mode is supported for proxies on VM instances"), notNat.toString());
        incus.run("config", "device", "add", vm, "web", "proxy", "listen=tcp:192.0.2.254:8080",
                "connect=tcp:0.0.0.0:80", "nat=true").assertSuccess();
        String comment = "proxy devices of ";
        incus.run(Duration.ofMinutes(2), "start", vm).assertSuccess();
        String rules = ruleset();
        assertTrue(rules.contains(comment) && rules.contains("-" + vm + "\"")
                && rules.contains("ip daddr 192.0.2.254 tcp dport 8080 dnat ip to " + GUEST + ":80"), rules);

        incus.run("config", "device", "set", vm, "web", "listen=tcp:192.0.2.254:9090").assertSuccess();
        rules = ruleset();
        assertTrue(rules.contains("tcp dport 9090 dnat ip to " + GUEST + ":80") && !rules.contains("dport 8080"),
                rules);

        incus.run(Duration.ofMinutes(2), "stop", "--force", vm).assertSuccess();
        assertTrue(!ruleset().contains("-" + vm + "\""), "the table is gone with the VM");
    }

    private static String ruleset() throws Exception {
        Process p = new ProcessBuilder("nft", "list", "ruleset").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        return out;
    }

    /** A new bridge, deleted after the test. */
    private String bridge(String id) throws Exception {
        String bridge = "cbr" + id;
        host(true, "ip", "link", "add", bridge, "type", "bridge");
        undo.add(new String[] {"ip", "link", "del", bridge});
        return bridge;
    }

    /** A namespace with the peer address on one end of a veth pair; returns the other end, up, on the host. */
    private String peerNamespace(String id) throws Exception {
        String ns = "corral-" + id;
        String hostEnd = "cvh" + id;
        String nsEnd = "cvn" + id;
        host(true, "ip", "netns", "add", ns);
        undo.add(new String[] {"ip", "netns", "del", ns});
        host(true, "ip", "link", "add", hostEnd, "type", "veth", "peer", "name", nsEnd);
        undo.add(new String[] {"ip", "link", "del", hostEnd});
        host(true, "ip", "link", "set", nsEnd, "netns", ns);
        host(true, "ip", "-n", ns, "addr", "add", PEER + "/24", "dev", nsEnd);
        host(true, "ip", "-n", ns, "link", "set", nsEnd, "up");
        host(true, "ip", "link", "set", hostEnd, "up");
        return hostEnd;
    }

    /** Gives the guest's interface with {@code mac} the guest address and pings the peer from the guest. */
    private void assertPings(String vm, String mac) throws Exception {
        String nic = awaitInterface(vm, mac, true);
        guest(vm, "ip addr add " + GUEST + "/24 dev " + nic + " 2>/dev/null; ip link set " + nic + " up");
        IncusCli.Result ping = null;
        for (int attempt = 0; attempt < 10; attempt++) {
            ping = incus.run("exec", vm, "--", "ping", "-c", "1", "-W", "2", PEER);
            if (ping.exitCode() == 0) {
                return;
            }
        }
        throw new AssertionError("the guest never reached " + PEER + ": " + ping);
    }

    /** The guest's interface with {@code mac}, once it is there (or "" once it is gone, when not wanted). */
    private String awaitInterface(String vm, String mac, boolean wanted) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String nic = "";
        while (System.nanoTime() - end < 0) {
            nic = guest(vm, "for i in /sys/class/net/*; do [ \"$(cat $i/address)\" = " + mac
                    + " ] && echo ${i##*/}; done; true");
            if (nic.isEmpty() != wanted) {
                return nic;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("interface " + mac + (wanted ? " never appeared" : " never went away") + " in "
                + vm + " (" + nic + ")");
    }

    private String vm(String prefix) throws Exception {
        String vm = prefix + "-" + id();
        vms.add(vm);
        incus.run("init", "--vm", "busybox-vm", vm).assertSuccess();
        return vm;
    }

    private static String guest(String vm, String shell) throws Exception {
        return incus.run("exec", vm, "--", "sh", "-c", shell).assertSuccess().stdout().trim();
    }

    private static String id() {
        return UUID.randomUUID().toString().substring(0, 6);
    }

    /** Runs a host command; {@code check}: fail the test when it fails. */
    private static void host(boolean check, String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int rc = p.waitFor();
        if (check) {
            assertEquals(0, rc, () -> String.join(" ", command) + ": " + out);
        }
    }
}
