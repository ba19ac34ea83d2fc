package dev.corral.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.corral.api.ApiException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageTemplatesTest {

    @TempDir
    Path volume;

    private void image(String templates) throws Exception {
        Files.createDirectories(volume.resolve("rootfs/etc"));
        Files.createDirectories(volume.resolve("templates"));
        Files.writeString(volume.resolve("metadata.yaml"), "architecture: x86_64\ncreation_date: 1\ntemplates:\n"
                + templates);
        Files.writeString(volume.resolve("templates/hostname.tpl"), "{{ instance.name }}\n");
        Files.writeString(volume.resolve("templates/trigger.tpl"), "{{ container.name }} {{trigger}} {{ other }}\n");
    }

    @Test
    void rendersTheTemplatesOfTheTrigger() throws Exception {
        image("  /etc/hostname:\n    when: [create]\n    template: hostname.tpl\n"
                + "  /etc/motd:\n    when: [start]\n    template: trigger.tpl\n");
        ImageTemplates.render(volume, "create", Map.of("instance.name", "c1"), null);
        assertEquals("c1\n", Files.readString(volume.resolve("rootfs/etc/hostname")));
        assertFalse(Files.exists(volume.resolve("rootfs/etc/motd")), "start templates wait for a start");
        ImageTemplates.render(volume, "start", Map.of("instance.name", "c1"), null);
        assertEquals("c1 start {{ other }}\n", Files.readString(volume.resolve("rootfs/etc/motd")));
    }

    @Test
    void aLinkInTheRootfsIsReplacedNotFollowed() throws Exception {
        image("  /etc/hostname:\n    when: [create]\n    template: hostname.tpl\n");
        Path outside = Files.writeString(volume.resolve("outside"), "host file\n");
        Files.createSymbolicLink(volume.resolve("rootfs/etc/hostname"), outside);
        ImageTemplates.render(volume, "create", Map.of("instance.name", "c1"), null);
        assertEquals("host file\n", Files.readString(outside));
        assertFalse(Files.isSymbolicLink(volume.resolve("rootfs/etc/hostname")));
    }

    @Test
    void pathsLeavingTheRootfsAreRefused() throws Exception {
        image("  /../../escape:\n    when: [create]\n    template: hostname.tpl\n");
        assertThrows(ApiException.class, () -> ImageTemplates.render(volume, "create", Map.of(), null));
        Files.delete(volume.resolve("rootfs/etc"));
        Files.createSymbolicLink(volume.resolve("rootfs/etc"), volume);
        image("  /etc/x/hostname:\n    when: [create]\n    template: hostname.tpl\n");
        assertThrows(ApiException.class, () -> ImageTemplates.render(volume, "create", Map.of(), null));
    }
}
