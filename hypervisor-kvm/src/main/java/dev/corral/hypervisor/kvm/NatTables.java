package dev.corral.hypervisor.kvm;

import dev.corral.instance.DriverException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The host's NAT rules of a running VM's proxy devices: one nftables table per VM, made whole at each start or
 * change and deleted when the VM stops, so nothing is left behind by a VM that stops by itself. The rules are
 * Incus's: DNAT from the listen address (for forwarded and for local traffic) and a masquerade for the instance
 * reaching itself through its own proxy.
 */
final class NatTables {

    private static final String NFT = "nft";

    private NatTables() {
    }

    /** The table of a domain: {@code corral_} and a short hash (nft names allow no '-' unquoted). */
    static String table(String domainName) {
        return "corral_" + VmSettings.uuid(domainName).replace("-", "").substring(0, 16);
    }

    /** The nft script that replaces the domain's table by one holding {@code rules}. */
    static String script(String domainName, List<ProxyNat> rules) {
        String table = table(domainName);
        StringBuilder s = new StringBuilder();
        s.append("add table inet ").append(table).append('\n');
        s.append("delete table inet ").append(table).append('\n');
        s.append("table inet ").append(table).append(" {\n");
        s.append("  comment \"proxy devices of ").append(domainName.replace("\"", "")).append("\"\n");
        chain(s, "prerouting", "prerouting priority -100", rules);
        chain(s, "output", "output priority -100", rules);
        s.append("  chain postrouting {\n    type nat hook postrouting priority 100; policy accept;\n");
        for (ProxyNat rule : rules) {
            String family = rule.ipv6() ? "ip6" : "ip";
            for (int port : new java.util.TreeSet<>(rule.targetPorts())) {
                s.append("    ").append(family).append(" saddr ").append(rule.target()).append(' ').append(family)
                        .append(" daddr ").append(rule.target()).append(' ').append(rule.protocol())
                        .append(" dport ").append(port).append(" masquerade\n");
            }
        }
        s.append("  }\n}\n");
        return s.toString();
    }

    private static void chain(StringBuilder s, String name, String hook, List<ProxyNat> rules) {
        s.append("  chain ").append(name).append(" {\n    type nat hook ").append(hook).append("; policy accept;\n");
        for (ProxyNat rule : rules) {
            String family = rule.ipv6() ? "ip6" : "ip";
            for (int i = 0; i < rule.listenPorts().size(); i++) {
                String target = rule.ipv6() ? "[" + rule.target() + "]" : rule.target();
                s.append("    ").append(family).append(" daddr ").append(rule.listenAddress()).append(' ')
                        .append(rule.protocol()).append(" dport ").append(rule.listenPorts().get(i))
                        .append(" dnat to ").append(target).append(':').append(rule.targetPort(i)).append('\n');
            }
        }
        s.append("  }\n");
    }

    /** Makes the domain's table hold exactly {@code rules} (none: no table). */
    static void apply(String domainName, List<ProxyNat> rules) {
        if (rules.isEmpty()) {
            remove(domainName);
            return;
        }
        run(script(domainName, rules), "Failed to set up the proxy devices' NAT rules");
    }

    /** Deletes the domain's table, if there is one (nothing to do on a host without nftables). */
    static void remove(String domainName) {
        if (!Files.isExecutable(Path.of("/usr/sbin/nft"))) {
            return;
        }
        String table = table(domainName);
        run("add table inet " + table + "\ndelete table inet " + table + "\n",
                "Failed to remove the proxy devices' NAT rules");
    }

    private static void run(String script, String what) {
        try {
            Process p = new ProcessBuilder(NFT, "-f", "-").redirectErrorStream(true).start();
            p.getOutputStream().write(script.getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new DriverException(what + ": nft did not finish");
            }
            if (p.exitValue() != 0) {
                throw new DriverException(what + ": " + out);
            }
        } catch (IOException e) {
            throw new DriverException(what + ": cannot run nft (install nftables): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DriverException(what + ": interrupted", e);
        }
    }
}
