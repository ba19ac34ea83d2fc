package dev.corral.hypervisor.kvm;

import dev.corral.api.ApiException;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;

/**
 * Device changes on a running VM, made as Incus makes them: disks (other than the root disk and NVMe disks) and
 * nics are plugged in and out live; any other change is refused before anything is changed ("Device cannot be added
 * when instance is running"). What the VM runs with is the previous configuration, kept in the domain's metadata.
 * Boot orders take effect at the next start.
 */
final class LiveDevices {

    private static final int AFFECT_LIVE = 1;

    private LiveDevices() {
    }

    /** Plugs what differs between {@code before} and {@code next} into or out of the running {@code domain}. */
    static void apply(Domain domain, DomainConfig before, DomainConfig next) throws LibvirtException {
        if (!before.disks().get(0).sameExceptBootOrder(next.disks().get(0))) {
            throw refused(next.disks().get(0).device(), "changed");
        }
        Map<String, VmDisk> oldDisks = byName(before.disks().subList(1, before.disks().size()), VmDisk::device);
        Map<String, VmDisk> newDisks = byName(next.disks().subList(1, next.disks().size()), VmDisk::device);
        Map<String, VmNic> oldNics = byName(before.nics(), VmNic::device);
        Map<String, VmNic> newNics = byName(next.nics(), VmNic::device);
        Set<String> changedDisks = changed(oldDisks, newDisks, VmDisk::sameExceptBootOrder);
        Set<String> changedNics = changed(oldNics, newNics, VmNic::sameExceptBootOrder);
        for (String name : changedDisks) {
            if (isNvme(oldDisks.get(name)) || isNvme(newDisks.get(name))) {
                throw refused(name, verb(oldDisks.get(name), newDisks.get(name)));
            }
        }
        Map<String, HostDevice> oldHost = byName(before.hostDevices(), HostDevice::device);
        Map<String, HostDevice> newHost = byName(next.hostDevices(), HostDevice::device);
        for (String name : changed(oldHost, newHost, Object::equals)) {
            throw refused(name, verb(oldHost.get(name), newHost.get(name)));
        }
        if (!Objects.equals(before.tpm(), next.tpm())) {
            throw refused(next.tpm() != null ? next.tpm() : before.tpm(), verb(before.tpm(), next.tpm()));
        }
        if (changedDisks.isEmpty() && changedNics.isEmpty()) {
            return;
        }
        for (String name : changedDisks) {
            if (newDisks.get(name) != null) {
                DiskSettings.checkSource(newDisks.get(name));
            }
        }
        for (String name : changedNics) {
            if (newNics.get(name) != null) {
                NicSettings.checkParent(newNics.get(name), NicSettings.SYS_CLASS_NET);
            }
        }
        Document live = parse(domain.getXMLDesc(0));
        for (String name : changedDisks) {
            if (oldDisks.containsKey(name)) {
                domain.detachDeviceFlags(element(live, "disk", name), AFFECT_LIVE);
            }
        }
        for (String name : changedNics) {
            if (oldNics.containsKey(name)) {
                domain.detachDeviceFlags(element(live, "interface", name), AFFECT_LIVE);
            }
        }
        Set<String> targets = targets(live);
        for (String name : changedDisks) {
            VmDisk disk = newDisks.get(name);
            if (disk != null) {
                String target = freeTarget(targets, disk.bus().targetPrefix());
                StringBuilder x = new StringBuilder();
                DiskXml.disk(x, disk, target, false);
                domain.attachDeviceFlags(x.toString(), AFFECT_LIVE);
            }
        }
        for (String name : changedNics) {
            VmNic nic = newNics.get(name);
            if (nic != null) {
                StringBuilder x = new StringBuilder();
                NicXml.render(x, nic, false);
                domain.attachDeviceFlags(x.toString(), AFFECT_LIVE);
            }
        }
    }

    /** The names of what was added, removed or changed, in name order. */
    private static <T> Set<String> changed(Map<String, T> before, Map<String, T> next,
            java.util.function.BiPredicate<T, T> same) {
        Set<String> names = new TreeSet<>(before.keySet());
        names.addAll(next.keySet());
        names.removeIf(n -> before.get(n) != null && next.get(n) != null && same.test(before.get(n), next.get(n)));
        return names;
    }

    private static <T> Map<String, T> byName(List<T> items, Function<T, String> name) {
        Map<String, T> map = new LinkedHashMap<>();
        items.forEach(item -> map.put(name.apply(item), item));
        return map;
    }

    private static boolean isNvme(VmDisk disk) {
        return disk != null && disk.bus() == VmDisk.Bus.NVME;
    }

    private static String verb(Object before, Object next) {
        return before == null ? "added" : next == null ? "removed" : "changed";
    }

    private static ApiException refused(String device, String verb) {
        String action = switch (verb) {
            case "added" -> "add";
            case "removed" -> "remove";
            default -> "update";
        };
        return ApiException.badRequest("Failed to " + action + " device \"" + device + "\": Device cannot be " + verb
                + " when instance is running");
    }

    /** The live XML of the {@code <disk>} or {@code <interface>} whose alias is the device's. */
    private static String element(Document live, String tag, String device) {
        NodeList nodes = live.getElementsByTagName(tag);
        String alias = "ua-" + DomainXml.alias(device);
        for (int i = 0; i < nodes.getLength(); i++) {
            Element element = (Element) nodes.item(i);
            NodeList aliases = element.getElementsByTagName("alias");
            if (aliases.getLength() > 0 && alias.equals(((Element) aliases.item(0)).getAttribute("name"))) {
                return serialize(element);
            }
        }
        throw new ApiException(500, "Failed to remove device \"" + device + "\": the running VM has no " + tag
                + " " + alias);
    }

    /** The disk target names in use ({@code vda}, {@code sdb}...). */
    private static Set<String> targets(Document live) {
        Set<String> used = new HashSet<>();
        NodeList disks = live.getElementsByTagName("disk");
        for (int i = 0; i < disks.getLength(); i++) {
            NodeList targets = ((Element) disks.item(i)).getElementsByTagName("target");
            if (targets.getLength() > 0) {
                used.add(((Element) targets.item(0)).getAttribute("dev"));
            }
        }
        return used;
    }

    private static String freeTarget(Set<String> used, String prefix) {
        for (int i = 0; ; i++) {
            String target = prefix + DomainXml.letters(i);
            if (used.add(target)) {
                return target;
            }
        }
    }

    static Document parse(String xml) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            return factory.newDocumentBuilder().parse(new InputSource(new StringReader(xml)));
        } catch (ParserConfigurationException | SAXException | java.io.IOException e) {
            throw new IllegalStateException("libvirt returned XML that does not parse: " + e.getMessage(), e);
        }
    }

    private static String serialize(Element element) {
        try {
            var transformer = TransformerFactory.newInstance().newTransformer();
            transformer.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
            StringWriter out = new StringWriter();
            transformer.transform(new DOMSource(element), new StreamResult(out));
            return out.toString();
        } catch (TransformerException e) {
            throw new IllegalStateException(e);
        }
    }
}
