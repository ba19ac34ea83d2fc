package dev.corral.hypervisor.kvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.corral.instance.InstanceRef;
import dev.corral.instance.InstanceSpec;
import dev.corral.instance.InstanceType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A domain with every kind of device Corral renders is valid for libvirt's own schema ({@code virt-xml-validate}). */
class DomainXmlSchemaTest {

    private static final Path VALIDATE = Path.of("/usr/bin/virt-xml-validate");

    @Test
    void everyDeviceKindIsValidDomainXml(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isExecutable(VALIDATE) && Files.isExecutable(Path.of("/usr/bin/xmllint")),
                "virt-xml-validate (libvirt-clients) or xmllint (libxml2-utils) is not installed");
        Map<String, Map<String, String>> devices = Map.of(
                "root", Map.of("type", "disk", "path", "/", "pool", "default", "io.cache", "none"),
                "data", Map.of("type", "disk", "source", "/srv/data.img", "boot.priority", "2"),
                "blk", Map.of("type", "disk", "source", "/srv/b.img", "io.bus", "virtio-blk", "readonly", "true"),
                "usb", Map.of("type", "disk", "source", "/srv/u.img", "io.bus", "usb"),
                "fast", Map.of("type", "disk", "source", "/srv/f.img", "io.bus", "nvme"),
                "install", Map.of("type", "disk", "source", "/srv/debian.iso", "boot.priority", "10"),
                "eth0", Map.of("type", "nic", "nictype", "bridged", "parent", "br0", "hwaddr", "00:16:3e:00:00:01",
                        "mtu", "1400", "host_name", "tap0"),
                "eth1", Map.of("type", "nic", "nictype", "macvlan", "parent", "eth0"),
                "vtpm", Map.of("type", "tpm"));
        InstanceSpec spec = new InstanceSpec(new InstanceRef("default", "v1"), InstanceType.VIRTUAL_MACHINE,
                Map.of("security.secureboot", "true"), devices, Path.of("/pool/v1"), Path.of("/logs/v1"), null);
        DomainConfig c = VmSettings.domain(spec, "corral-v1", DomainConfig.Accelerator.TCG);
        // Host devices as if the host had them (this one may have none).
        List<HostDevice> hostDevices = List.of(
                new HostDevice("gpu0", HostDevice.Kind.PCI, "0000:01:00.0", null, null, 0, 0, true, null),
                new HostDevice("stick", HostDevice.Kind.USB, null, "046d", "c52b", 1, 5, false, null));
        c = new DomainConfig(c.name(), c.uuid(), c.title(), c.accelerator(), c.memoryBytes(), c.currentMemoryBytes(),
                c.vcpus(), c.firmware(), c.disks(), c.nics(), hostDevices, c.tpm(), c.consoleLog(), c.devices());
        Path xml = dir.resolve("domain.xml");
        Files.writeString(xml, DomainXml.render(c));
        Process p = new ProcessBuilder(VALIDATE.toString(), xml.toString(), "domain").redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), () -> out + "\n" + readQuietly(xml));
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}
