package dev.corral.hypervisor.kvm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Renders a {@link DomainConfig} as libvirt domain XML (QEMU driver, q35, UEFI).
 *
 * <p>Choices: libvirt's default CPU model (no host-passthrough, which fails under nested virtualisation); a serial
 * console on a pty logged by virtlogd (the console log survives the VM and nothing printed before an attach is lost);
 * the guest agent on a virtio-serial port {@code org.qemu.guest_agent.0}; a virtio balloon (live memory changes),
 * a virtio RNG; poweroff and crash destroy the domain (it shows as stopped), reboot restarts it. QEMU runs as root
 * without relabelling ({@code <seclabel model='dac'>} static +0:+0): the instance's files stay as the daemon made
 * them and libvirt needs no account of its own.
 */
public final class DomainXml {

    /** Corral's namespace for its own metadata in the domain XML. */
    public static final String NAMESPACE = "https://corral.dev/libvirt/1";
    /** libvirt's namespace for QEMU arguments it does not model itself. */
    static final String QEMU_NAMESPACE = "http://libvirt.org/schemas/domain/qemu/1.0";

    private static final ObjectMapper DEVICES_JSON = new ObjectMapper();

    private DomainXml() {
    }

    public static String render(DomainConfig c) {
        StringBuilder x = new StringBuilder(2048);
        x.append("<domain type='").append(c.accelerator().domainType()).append('\'');
        if (!DiskXml.qemuArgs(c.disks()).isEmpty()) {
            x.append(" xmlns:qemu='").append(QEMU_NAMESPACE).append('\'');
        }
        x.append(">\n");
        x.append("  <name>").append(esc(c.name())).append("</name>\n");
        x.append("  <uuid>").append(esc(c.uuid())).append("</uuid>\n");
        if (c.title() != null) {
            x.append("  <title>").append(esc(c.title())).append("</title>\n");
        }
        x.append("  <metadata>\n    <corral:instance xmlns:corral='").append(NAMESPACE).append("'>\n");
        x.append("      <corral:devices>").append(esc(devicesJson(c.devices()))).append("</corral:devices>\n");
        x.append("    </corral:instance>\n  </metadata>\n");
        x.append("  <memory unit='KiB'>").append(c.memoryBytes() / 1024).append("</memory>\n");
        x.append("  <currentMemory unit='KiB'>").append(c.currentMemoryBytes() / 1024).append("</currentMemory>\n");
        x.append("  <vcpu placement='static'>").append(c.vcpus()).append("</vcpu>\n");
        os(x, c.firmware());
        x.append("  <features>\n    <acpi/>\n    <apic/>\n");
        if (c.firmware().secureBoot()) {
            x.append("    <smm state='on'/>\n");
        }
        x.append("  </features>\n");
        x.append("  <clock offset='utc'/>\n");
        x.append("  <on_poweroff>destroy</on_poweroff>\n  <on_reboot>restart</on_reboot>\n");
        x.append("  <on_crash>destroy</on_crash>\n");
        x.append("  <devices>\n");
        x.append("    <emulator>/usr/bin/qemu-system-x86_64</emulator>\n");
        DiskXml.render(x, c.disks());
        for (VmNic nic : c.nics()) {
            NicXml.render(x, nic, true);
        }
        for (HostDevice device : c.hostDevices()) {
            HostDeviceXml.render(x, device);
        }
        if (c.tpm() != null) {
            x.append("    <tpm model='tpm-crb'>\n      <backend type='emulator' version='2.0'/>\n");
            x.append("      <alias name='ua-").append(alias(c.tpm())).append("'/>\n    </tpm>\n");
        }
        x.append("    <serial type='pty'>\n");
        x.append("      <log file='").append(esc(c.consoleLog().toString())).append("' append='on'/>\n");
        x.append("      <target type='isa-serial' port='0'/>\n    </serial>\n");
        x.append("    <console type='pty'>\n      <target type='serial' port='0'/>\n    </console>\n");
        x.append("    <channel type='unix'>\n      <target type='virtio' name='org.qemu.guest_agent.0'/>\n");
        x.append("    </channel>\n");
        x.append("    <memballoon model='virtio'/>\n");
        x.append("    <rng model='virtio'>\n      <backend model='random'>/dev/urandom</backend>\n    </rng>\n");
        x.append("  </devices>\n");
        x.append("  <seclabel type='static' model='dac' relabel='no'>\n    <label>+0:+0</label>\n  </seclabel>\n");
        List<String> qemuArgs = DiskXml.qemuArgs(c.disks());
        if (!qemuArgs.isEmpty()) {
            x.append("  <qemu:commandline>\n");
            for (String arg : qemuArgs) {
                x.append("    <qemu:arg value='").append(esc(arg)).append("'/>\n");
            }
            x.append("  </qemu:commandline>\n");
        }
        x.append("</domain>\n");
        return x.toString();
    }

    private static void os(StringBuilder x, DomainConfig.Firmware fw) {
        x.append("  <os>\n    <type arch='x86_64' machine='q35'>hvm</type>\n");
        x.append("    <loader readonly='yes' secure='").append(fw.secureBoot() ? "yes" : "no")
                .append("' type='pflash'>").append(esc(fw.code().toString())).append("</loader>\n");
        x.append("    <nvram template='").append(esc(fw.varsTemplate().toString())).append("'>")
                .append(esc(fw.nvram().toString())).append("</nvram>\n");
        x.append("  </os>\n");
    }

    private static String devicesJson(Map<String, Map<String, String>> devices) {
        try {
            return DEVICES_JSON.writeValueAsString(new TreeMap<>(devices));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e); // a map of strings always serialises
        }
    }

    /** The devices kept in the metadata of a domain's XML by {@link #render}, or null when it has none. */
    static Map<String, Map<String, String>> devices(org.w3c.dom.Document domain) {
        org.w3c.dom.NodeList found = domain.getElementsByTagNameNS(NAMESPACE, "devices");
        if (found.getLength() == 0) {
            return null;
        }
        try {
            return DEVICES_JSON.readValue(found.item(0).getTextContent(),
                    new TypeReference<Map<String, Map<String, String>>>() { });
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    /** vda, vdb, ..., vdz, vdaa: the kernel's naming. */
    static String letters(int index) {
        StringBuilder s = new StringBuilder();
        int i = index;
        do {
            s.insert(0, (char) ('a' + i % 26));
            i = i / 26 - 1;
        } while (i >= 0);
        return s.toString();
    }

    /** libvirt user aliases allow [a-zA-Z0-9_-]: other characters become '-'. */
    static String alias(String device) {
        return device.replaceAll("[^a-zA-Z0-9_-]", "-");
    }

    static String esc(String text) {
        StringBuilder s = new StringBuilder(text.length());
        for (char ch : text.toCharArray()) {
            switch (ch) {
                case '&' -> s.append("&amp;");
                case '<' -> s.append("&lt;");
                case '>' -> s.append("&gt;");
                case '\'' -> s.append("&apos;");
                case '"' -> s.append("&quot;");
                default -> s.append(ch);
            }
        }
        return s.toString();
    }

    static String esc(Path path) {
        return esc(path.toString());
    }
}
