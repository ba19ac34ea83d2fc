package dev.corral.hypervisor.kvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corral.api.ApiException;
import dev.corral.instance.DriverException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** gpu, pci and usb devices of a VM against a fake sysfs: validation, selection and the {@code <hostdev>} XML. */
class HostDeviceSettingsTest {

    @TempDir
    Path sys;

    @BeforeEach
    void hardware() throws Exception {
        pci("0000:01:00.0", "0x030000", "0x10de", "0x1eb8", 0); // a GPU, DRM card0
        pci("0000:02:00.0", "0x030200", "0x1002", "0x7310", 1); // another GPU, card1
        pci("0000:03:00.0", "0x020000", "0x8086", "0x10d3", -1); // a NIC
        usb("1-2", "046d", "c52b", 1, 5);
    }

    private void pci(String address, String cls, String vendor, String device, int card) throws Exception {
        Path dir = Files.createDirectories(sys.resolve("bus/pci/devices/" + address));
        Files.writeString(dir.resolve("class"), cls + "\n");
        Files.writeString(dir.resolve("vendor"), vendor + "\n");
        Files.writeString(dir.resolve("device"), device + "\n");
        if (card >= 0) {
            Files.createDirectories(dir.resolve("drm/card" + card));
        }
    }

    private void usb(String name, String vendor, String product, int bus, int dev) throws Exception {
        Path dir = Files.createDirectories(sys.resolve("bus/usb/devices/" + name));
        Files.writeString(dir.resolve("idVendor"), vendor + "\n");
        Files.writeString(dir.resolve("idProduct"), product + "\n");
        Files.writeString(dir.resolve("busnum"), bus + "\n");
        Files.writeString(dir.resolve("devnum"), dev + "\n");
        Files.createDirectories(sys.resolve("bus/usb/devices/" + name + ":1.0")); // an interface: no ids
    }

    private HostDevice device(Map<String, String> config) {
        return HostDeviceSettings.hostDevice("d", config, sys);
    }

    private String xml(Map<String, String> config) {
        StringBuilder x = new StringBuilder();
        HostDeviceXml.render(x, device(config));
        return x.toString();
    }

    private static void assertBad(Runnable r, String fragment) {
        ApiException e = assertThrows(ApiException.class, r::run);
        assertEquals(400, e.status());
        assertTrue(e.getMessage().startsWith("Invalid devices: Device \"d\": ") && e.getMessage().contains(fragment),
                e.getMessage());
    }

    @Test
    void pciDeviceByAddress() {
        assertEquals("""
                    <hostdev mode='subsystem' type='pci' managed='yes'>
                      <source>
                        <address domain='0x0000' bus='0x03' slot='0x00' function='0x0'/>
                      </source>
                      <alias name='ua-d'/>
                    </hostdev>
                """, xml(Map.of("type", "pci", "address", "03:00.0")));
        assertEquals("0000:03:00.0", device(Map.of("type", "pci", "address", "0000:03:00.0")).address());
        assertBad(() -> device(Map.of("type", "pci")), "Missing device option \"address\"");
        assertBad(() -> device(Map.of("type", "pci", "address", "3:0.0")), "Invalid PCI address");
        HostDevice missing = device(Map.of("type", "pci", "address", "0000:ff:1f.7"));
        assertEquals("", xml(Map.of("type", "pci", "address", "0000:ff:1f.7")), "not rendered");
        DriverException e = assertThrows(DriverException.class, () -> HostDeviceSettings.checkAvailable(missing));
        assertEquals("Failed to start device \"d\": Failed to get PCI device info for \"0000:ff:1f.7\": no such device",
                e.getMessage());
    }

    @Test
    void gpuSelection() {
        assertEquals("0000:01:00.0", device(Map.of("type", "gpu", "pci", "01:00.0")).address());
        assertEquals("0000:02:00.0", device(Map.of("type", "gpu", "id", "1")).address());
        assertEquals("0000:02:00.0", device(Map.of("type", "gpu", "vendorid", "1002")).address());
        assertEquals("0000:01:00.0", device(Map.of("type", "gpu", "vendorid", "10de", "productid", "1EB8")).address());
        assertTrue(xml(Map.of("type", "gpu", "gputype", "physical", "id", "0"))
                .contains("<address domain='0x0000' bus='0x01' slot='0x00' function='0x0'/>"));
        assertEquals("VMs cannot match multiple GPUs per device", device(Map.of("type", "gpu")).unavailable());
        assertEquals("Failed to detect requested GPU device",
                device(Map.of("type", "gpu", "pci", "0000:03:00.0")).unavailable(), "a NIC is no GPU");
        assertNull(device(Map.of("type", "gpu", "id", "0")).unavailable());
        assertBad(() -> device(Map.of("type", "gpu", "pci", "01:00.0", "vendorid", "10de")),
                "Cannot use \"vendorid\" when \"pci\" is set");
        assertBad(() -> device(Map.of("type", "gpu", "id", "0", "productid", "1eb8")),
                "Cannot use \"productid\" when \"id\" is set");
        assertBad(() -> device(Map.of("type", "gpu", "vendorid", "10d")), "Invalid device ID");
        assertBad(() -> device(Map.of("type", "gpu", "gputype", "mdev")), "gputype \"mdev\"");
    }

    @Test
    void usbDevices() {
        assertEquals("""
                    <hostdev mode='subsystem' type='usb' managed='yes'>
                      <source startupPolicy='optional'>
                        <vendor id='0x046d'/>
                        <product id='0xc52b'/>
                      </source>
                      <alias name='ua-d'/>
                    </hostdev>
                """, xml(Map.of("type", "usb", "vendorid", "046d", "productid", "c52b")));
        assertTrue(xml(Map.of("type", "usb", "vendorid", "046d", "productid", "c52b", "busnum", "1", "devnum", "5",
                "required", "true")).contains("<source>\n        <vendor id='0x046d'/>\n        <product id='0xc52b'/>\n"
                + "        <address bus='1' device='5'/>\n"));
        HostDevice absent = device(Map.of("type", "usb", "vendorid", "ffff", "productid", "0001"));
        HostDeviceSettings.checkAvailable(absent); // not required: the VM starts without it
        HostDevice required = device(Map.of("type", "usb", "vendorid", "ffff", "productid", "0001",
                "required", "true"));
        DriverException e = assertThrows(DriverException.class, () -> HostDeviceSettings.checkAvailable(required));
        assertEquals("Failed to start device \"d\": Required USB device not found", e.getMessage());
        assertBad(() -> device(Map.of("type", "usb", "vendorid", "046d")), "needs \"vendorid\" and \"productid\"");
        assertBad(() -> device(Map.of("type", "usb", "busnum", "x", "devnum", "1")), "busnum");
        assertBad(() -> device(Map.of("type", "usb", "vendorid", "046d", "productid", "c52b", "required", "maybe")),
                "required");
    }
}
