package dev.corral.hypervisor.kvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corral.instance.InstanceRef;
import dev.corral.instance.InstanceSpec;
import dev.corral.instance.InstanceType;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The domain XML for each setting and device, fragment by fragment. */
class DomainXmlTest {

    private static final Map<String, String> ROOT = Map.of("type", "disk", "path", "/", "pool", "default");

    private static String render(Map<String, String> config, Map<String, Map<String, String>> devices,
            DomainConfig.Accelerator accelerator) {
        InstanceSpec spec = new InstanceSpec(new InstanceRef("default", "v1"), InstanceType.VIRTUAL_MACHINE, config,
                devices, Path.of("/pool/virtual-machines/v1"), Path.of("/logs/v1"), null);
        return DomainXml.render(VmSettings.domain(spec, "corral-v1", accelerator));
    }

    private static String render(Map<String, String> config) {
        return render(config, Map.of("root", ROOT), DomainConfig.Accelerator.TCG);
    }

    private static void assertContains(String xml, String fragment) {
        assertTrue(xml.contains(fragment), () -> "expected\n" + fragment + "\nin\n" + xml);
    }

    @Test
    void defaults() {
        String xml = render(Map.of());
        assertContains(xml, "<domain type='qemu'>");
        assertContains(xml, "<name>corral-v1</name>");
        assertContains(xml, "<title>default/v1</title>");
        assertContains(xml, "<memory unit='KiB'>1048576</memory>");
        assertContains(xml, "<currentMemory unit='KiB'>1048576</currentMemory>");
        assertContains(xml, "<vcpu placement='static'>1</vcpu>");
        assertContains(xml, "<on_poweroff>destroy</on_poweroff>");
        assertContains(xml, "<on_reboot>restart</on_reboot>");
        assertFalse(xml.contains("<cpu"), "libvirt's default CPU model: no <cpu> element");
        assertFalse(xml.contains("<interface"), "no nic unless one is configured");
    }

    @Test
    void kvmAccelerator() {
        assertContains(render(Map.of(), Map.of("root", ROOT), DomainConfig.Accelerator.KVM), "<domain type='kvm'>");
    }

    @Test
    void uuidIsStablePerDomainName() {
        assertEquals(render(Map.of()).lines().filter(l -> l.contains("<uuid>")).findFirst(),
                render(Map.of("limits.cpu", "2")).lines().filter(l -> l.contains("<uuid>")).findFirst());
        assertContains(render(Map.of()), "<uuid>" + VmSettings.uuid("corral-v1") + "</uuid>");
    }

    @Test
    void memoryAndCpus() {
        String xml = render(Map.of("limits.memory", "256MiB", "limits.cpu", "2"));
        assertContains(xml, "<memory unit='KiB'>262144</memory>");
        assertContains(xml, "<vcpu placement='static'>2</vcpu>");
        assertContains(render(Map.of("limits.cpu", "0-1,3")), "<vcpu placement='static'>3</vcpu>");
        assertContains(render(Map.of("limits.memory", "1GB")), "<memory unit='KiB'>975872</memory>");
    }

    @Test
    void uefiFirmwareWithTheVolumesVariableStore() {
        String xml = render(Map.of());
        assertContains(xml, "<type arch='x86_64' machine='q35'>hvm</type>");
        assertContains(xml, "<loader readonly='yes' secure='no' type='pflash'>/usr/share/OVMF/OVMF_CODE_4M.fd"
                + "</loader>");
        assertContains(xml, "<nvram template='/usr/share/OVMF/OVMF_VARS_4M.fd'>/pool/virtual-machines/v1/"
                + "qemu.nvram</nvram>");
        assertFalse(xml.contains("<smm"));
    }

    @Test
    void secureBoot() {
        String xml = render(Map.of("security.secureboot", "true"));
        assertContains(xml, "secure='yes' type='pflash'>/usr/share/OVMF/OVMF_CODE_4M.secboot.fd</loader>");
        assertContains(xml, "<nvram template='/usr/share/OVMF/OVMF_VARS_4M.ms.fd'>");
        assertContains(xml, "<smm state='on'/>");
    }

    @Test
    void rootDiskOnVirtioBlk() {
        String xml = render(Map.of());
        assertContains(xml, """
                    <disk type='file' device='disk'>
                      <driver name='qemu' type='qcow2' discard='unmap'/>
                      <source file='/pool/virtual-machines/v1/root.img'/>
                      <target dev='vda' bus='virtio'/>
                      <boot order='1'/>
                      <alias name='ua-root'/>
                    </disk>
                """);
        assertFalse(xml.contains("virtio-scsi"));
    }

    @Test
    void rootDiskOnVirtioScsi() {
        Map<String, String> root = new HashMap<>(ROOT);
        root.put("io.bus", "virtio-scsi");
        String xml = render(Map.of(), Map.of("root", root), DomainConfig.Accelerator.TCG);
        assertContains(xml, "<controller type='scsi' index='0' model='virtio-scsi'/>");
        assertContains(xml, "<target dev='sda' bus='scsi'/>");
    }

    @Test
    void serialConsoleLoggedByVirtlogd() {
        String xml = render(Map.of());
        assertContains(xml, """
                    <serial type='pty'>
                      <log file='/logs/v1/console.log' append='on'/>
                      <target type='isa-serial' port='0'/>
                    </serial>
                    <console type='pty'>
                      <target type='serial' port='0'/>
                    </console>
                """);
    }

    @Test
    void guestAgentBalloonRngAndDac() {
        String xml = render(Map.of());
        assertContains(xml, "<channel type='unix'>\n      <target type='virtio' name='org.qemu.guest_agent.0'/>");
        assertContains(xml, "<memballoon model='virtio'/>");
        assertContains(xml, "<backend model='random'>/dev/urandom</backend>");
        assertContains(xml, "<seclabel type='static' model='dac' relabel='no'>\n    <label>+0:+0</label>");
    }

    @Test
    void bridgedNic() {
        String xml = render(Map.of(), Map.of("root", ROOT, "eth0", Map.of("type", "nic", "nictype", "bridged",
                "parent", "br0", "hwaddr", "00:16:3e:01:02:03", "mtu", "1400")), DomainConfig.Accelerator.TCG);
        assertContains(xml, """
                    <interface type='bridge'>
                      <mac address='00:16:3e:01:02:03'/>
                      <source bridge='br0'/>
                      <model type='virtio'/>
                      <mtu size='1400'/>
                      <boot order='2'/>
                      <alias name='ua-eth0'/>
                    </interface>
                """);
    }

    @Test
    void nicsInNameOrderWithHostNameAndMacvlan() {
        String xml = render(Map.of(), Map.of("root", ROOT,
                "eth1", Map.of("type", "nic", "nictype", "macvlan", "parent", "enp5s0"),
                "eth0", Map.of("type", "nic", "nictype", "bridged", "parent", "br0", "host_name", "tap-v1")),
                DomainConfig.Accelerator.TCG);
        assertContains(xml, """
                    <interface type='bridge'>
                      <source bridge='br0'/>
                      <target dev='tap-v1'/>
                      <model type='virtio'/>
                      <boot order='2'/>
                      <alias name='ua-eth0'/>
                    </interface>
                    <interface type='direct'>
                      <source dev='enp5s0' mode='bridge'/>
                      <model type='virtio'/>
                      <boot order='3'/>
                      <alias name='ua-eth1'/>
                    </interface>
                """);
        assertFalse(xml.contains("<mac "), "libvirt picks the MAC when hwaddr is unset");
    }

    @Test
    void textIsEscaped() {
        InstanceSpec spec = new InstanceSpec(new InstanceRef("default", "v1"), InstanceType.VIRTUAL_MACHINE,
                Map.of(), Map.of("root", ROOT), Path.of("/pool/a'b&c"), Path.of("/logs/<v1>"), null);
        String xml = DomainXml.render(VmSettings.domain(spec, "corral-v1", DomainConfig.Accelerator.TCG));
        assertContains(xml, "<source file='/pool/a&apos;b&amp;c/root.img'/>");
        assertContains(xml, "<log file='/logs/&lt;v1&gt;/console.log' append='on'/>");
    }

    private static String renderDevices(Map<String, Map<String, String>> devices) {
        Map<String, Map<String, String>> all = new HashMap<>(devices);
        all.putIfAbsent("root", ROOT);
        return render(Map.of(), all, DomainConfig.Accelerator.TCG);
    }

    @Test
    void extraDiskFromAHostFileOnVirtioScsi() {
        String xml = renderDevices(Map.of("data", Map.of("type", "disk", "source", "/srv/data.img")));
        assertContains(xml, "<controller type='scsi' index='0' model='virtio-scsi'/>");
        assertContains(xml, """
                    <disk type='file' device='disk'>
                      <driver name='qemu' type='raw' discard='unmap'/>
                      <source file='/srv/data.img'/>
                      <target dev='sda' bus='scsi'/>
                      <boot order='2'/>
                      <alias name='ua-data'/>
                    </disk>
                """);
        assertTrue(xml.indexOf("ua-root") < xml.indexOf("ua-data"), "the root disk first");
    }

    @Test
    void blockDeviceReadOnlyWithCacheMode() {
        String xml = renderDevices(Map.of("data", Map.of("type", "disk", "source", "/dev/null", "readonly", "true",
                "io.cache", "writeback", "io.bus", "virtio-blk")));
        assertContains(xml, """
                    <disk type='block' device='disk'>
                      <driver name='qemu' type='raw' cache='writeback'/>
                      <source dev='/dev/null'/>
                      <target dev='vdb' bus='virtio'/>
                      <readonly/>
                """);
    }

    @Test
    void isoImageIsACdromThatBootsFirstWithAHigherPriority() {
        String xml = renderDevices(Map.of("install", Map.of("type", "disk", "source", "/srv/debian.iso",
                "boot.priority", "10")));
        assertContains(xml, """
                    <disk type='file' device='cdrom'>
                      <driver name='qemu' type='raw'/>
                      <source file='/srv/debian.iso'/>
                      <target dev='sda' bus='scsi'/>
                      <readonly/>
                      <boot order='1'/>
                      <alias name='ua-install'/>
                    </disk>
                """);
        assertContains(xml, "<boot order='2'/>\n      <alias name='ua-root'/>");
    }

    @Test
    void cdromOnUsb() {
        String xml = renderDevices(Map.of("install", Map.of("type", "disk", "source", "/srv/a.iso", "io.bus", "usb"),
                "stick", Map.of("type", "disk", "source", "/srv/stick.img", "io.bus", "usb")));
        assertContains(xml, "<source file='/srv/a.iso'/>\n      <target dev='sda' bus='usb'/>");
        assertContains(xml, "<source file='/srv/stick.img'/>\n      <target dev='sdb' bus='usb'/>");
        assertFalse(xml.contains("virtio-scsi"));
    }

    @Test
    void bootOrderFollowsIncus() {
        Map<String, Integer> orders = VmSettings.bootOrders(Map.of("root", ROOT,
                "b-disk", Map.of("type", "disk", "source", "/b"),
                "a-disk", Map.of("type", "disk", "source", "/a"),
                "eth0", Map.of("type", "nic", "nictype", "bridged", "parent", "br0", "boot.priority", "5"),
                "tpm", Map.of("type", "tpm")));
        assertEquals(Map.of("eth0", 1, "root", 2, "a-disk", 3, "b-disk", 4), orders);
    }

    @Test
    void nvmeDisksGoToQemuDirectly() {
        Map<String, String> root = new HashMap<>(ROOT);
        root.put("io.bus", "nvme");
        String xml = renderDevices(Map.of("root", root, "fast", Map.of("type", "disk", "source", "/srv/a,b.img",
                "io.bus", "nvme", "readonly", "true", "io.cache", "none")));
        assertContains(xml, "<domain type='qemu' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>");
        assertFalse(xml.contains("<alias name='ua-root'/>"), "no libvirt <disk> for an NVMe disk");
        assertContains(xml, """
                  <qemu:commandline>
                    <qemu:arg value='-drive'/>
                    <qemu:arg value='file=/pool/virtual-machines/v1/root.img,if=none,id=corral-ua-root,format=qcow2,\
                discard=unmap'/>
                    <qemu:arg value='-device'/>
                    <qemu:arg value='nvme,drive=corral-ua-root,serial=root,bootindex=1,bus=pcie.0,addr=0x10'/>
                    <qemu:arg value='-drive'/>
                    <qemu:arg value='file=/srv/a,,b.img,if=none,id=corral-ua-fast,format=raw,readonly=on,cache=none'/>
                    <qemu:arg value='-device'/>
                    <qemu:arg value='nvme,drive=corral-ua-fast,serial=fast,bootindex=2,bus=pcie.0,addr=0x11'/>
                  </qemu:commandline>
                """);
        assertFalse(renderDevices(Map.of()).contains("xmlns:qemu"));
    }

    @Test
    void tpm() {
        String xml = renderDevices(Map.of("vtpm", Map.of("type", "tpm")));
        assertContains(xml, """
                    <tpm model='tpm-crb'>
                      <backend type='emulator' version='2.0'/>
                      <alias name='ua-vtpm'/>
                    </tpm>
                """);
        assertFalse(render(Map.of()).contains("<tpm"));
    }

    @Test
    void diskLetters() {
        assertEquals("a", DomainXml.letters(0));
        assertEquals("z", DomainXml.letters(25));
        assertEquals("aa", DomainXml.letters(26));
        assertEquals("ab", DomainXml.letters(27));
    }
}
