package dev.corral.storage;

import static dev.corral.storage.ImageStoreTest.assertStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ImageMetadataTest {

    private static ImageMetadata parse(String yaml) {
        return ImageMetadata.parse(yaml.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsWhatIncusReads() {
        ImageMetadata m = parse("""
                architecture: amd64
                creation_date: 1424284563
                expiry_date: 1734284563
                unknown_field: ignored
                properties:
                  description: Ubuntu 22.04 LTS Intel 64bit
                  os: Ubuntu
                  release: 22.10
                  serial: 20240101
                templates:
                  /etc/hostname:
                    when:
                      - create
                      - copy
                    create_only: true
                    template: hostname.tpl
                    properties:
                      default: none
                    uid: "1000"
                    gid: "1000"
                    mode: "644"
                  /etc/hosts:
                    when: [start]
                    template: hosts.tpl
                """);
        assertEquals("x86_64", m.architecture());
        assertEquals(1424284563L, m.creationDate());
        assertEquals(Instant.ofEpochSecond(1424284563L), m.createdAt());
        assertEquals(Instant.ofEpochSecond(1734284563L), m.expiresAt());
        // Scalars as written: 22.10 is not the number 22.1.
        assertEquals("22.10", m.properties().get("release"));
        assertEquals("20240101", m.properties().get("serial"));
        ImageTemplate hostname = m.templates().get("/etc/hostname");
        assertEquals(List.of("create", "copy"), hostname.when());
        assertTrue(hostname.createOnly());
        assertEquals("hostname.tpl", hostname.template());
        assertEquals(Map.of("default", "none"), hostname.properties());
        assertEquals("1000", hostname.uid());
        assertEquals("644", hostname.mode());
        ImageTemplate hosts = m.templates().get("/etc/hosts");
        assertFalse(hosts.createOnly());
        assertNull(hosts.uid());
        assertEquals(List.of("start"), hosts.when());
    }

    @Test
    void minimal() {
        ImageMetadata m = parse("architecture: aarch64\ncreation_date: 1\n");
        assertEquals("aarch64", m.architecture());
        assertNull(m.expiresAt());
        assertTrue(m.properties().isEmpty());
        assertTrue(m.templates().isEmpty());
    }

    @Test
    void architectureAliases() {
        assertEquals("x86_64", ImageMetadata.canonicalArchitecture("amd64"));
        assertEquals("aarch64", ImageMetadata.canonicalArchitecture("arm64"));
        assertEquals("i686", ImageMetadata.canonicalArchitecture("i386"));
        assertEquals("ppc64le", ImageMetadata.canonicalArchitecture("ppc64el"));
        assertNull(ImageMetadata.canonicalArchitecture("z80"));
    }

    @Test
    void refusals() {
        String[][] cases = {
            {"", "not a YAML mapping"},
            {"just text", "not a YAML mapping"},
            {"architecture: [x86_64\n", "not valid YAML"},
            {"architecture: x86_64\n", "Missing creation date"},
            {"architecture: x86_64\ncreation_date: 0\n", "Missing creation date"},
            {"architecture: x86_64\ncreation_date: soon\n", "creation_date must be an integer"},
            {"creation_date: 5\n", "has no architecture"},
            {"architecture: pdp11\ncreation_date: 5\n", "Architecture isn't supported: pdp11"},
            {"architecture: x86_64\ncreation_date: 5\nproperties: [a]\n", "properties must be a mapping"},
            {"architecture: x86_64\ncreation_date: 5\nproperties:\n  a: [b]\n", "a must be a string"},
            {"architecture: x86_64\ncreation_date: 5\ntemplates:\n  /x: 3\n", "template /x must be a mapping"},
            {"architecture: x86_64\ncreation_date: 5\ntemplates:\n  /x:\n    when: create\n", "when must be a list"},
            {"architecture: x86_64\ncreation_date: 5\ntemplates:\n  /x:\n    create_only: maybe\n",
                "create_only must be true or false"},
        };
        for (String[] c : cases) {
            var e = assertStatus(400, () -> parse(c[0]));
            assertTrue(e.getMessage().contains(c[1]), c[1] + " in: " + e.getMessage());
        }
        assertStatus(400, () -> ImageMetadata.parse(new byte[ImageMetadata.MAX_SIZE + 1]));
    }
}
