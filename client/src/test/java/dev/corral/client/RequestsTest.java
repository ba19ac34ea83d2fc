package dev.corral.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The wire bodies the request records make, as Incus reads them. */
class RequestsTest {

    static String json(Object body) {
        return MockDaemon.json(body);
    }

    @Test
    void stateChanges() {
        // Incus reads an absent or zero timeout as "kill at once": a clean stop says -1, as the incus CLI does.
        assertEquals("{\"action\":\"stop\",\"timeout\":-1}", json(StateChange.stop().toWire()));
        assertEquals("{\"action\":\"stop\",\"force\":true}", json(StateChange.stop(true).toWire()));
        assertEquals("{\"action\":\"restart\",\"timeout\":30}",
                json(StateChange.restart(false).withTimeout(Duration.ofSeconds(30)).toWire()));
        assertEquals("{\"action\":\"start\"}", json(StateChange.start().toWire()));
        assertEquals("{\"action\":\"freeze\"}", json(StateChange.freeze().toWire()));
    }

    @Test
    void createInstance() {
        assertEquals("{\"name\":\"c1\",\"source\":{\"type\":\"image\",\"alias\":\"busybox\"},\"type\":\"container\","
                + "\"start\":true,\"config\":{\"limits.memory\":\"128MiB\"},\"devices\":{}}",
                json(CreateInstance.fromImage("busybox").withName("c1").withConfig("limits.memory", "128MiB")
                        .withStart(true).toWire()));
        assertEquals("{\"source\":{\"type\":\"none\"},\"type\":\"virtual-machine\",\"config\":{},\"devices\":{"
                + "\"root\":{\"path\":\"/\"}},\"ephemeral\":true,\"profiles\":[]}",
                json(CreateInstance.empty().withType(CreateInstance.VIRTUAL_MACHINE).withEphemeral(true)
                        .withProfiles(List.of()).withDevice("root", Map.of("path", "/")).toWire()));
    }

    @Test
    void exec() {
        assertEquals("{\"command\":[\"sh\",\"-c\",\"echo hi\"],\"environment\":{},\"wait-for-websocket\":true,"
                + "\"record-output\":false,\"interactive\":false,\"width\":0,\"height\":0,\"user\":0,\"group\":0}",
                json(ExecRequest.of("sh", "-c", "echo hi").toWire()));
        assertEquals("{\"command\":[\"sh\"],\"environment\":{\"TERM\":\"xterm\"},\"wait-for-websocket\":true,"
                + "\"record-output\":false,\"interactive\":true,\"width\":80,\"height\":24,\"user\":1000,"
                + "\"group\":1000,\"cwd\":\"/tmp\"}",
                json(ExecRequest.of("sh").withInteractive(80, 24).withEnvironment("TERM", "xterm")
                        .withUser(1000, 1000).withCwd("/tmp").toWire()));
    }

    @Test
    void imageUploadHeaders() {
        assertEquals(Map.of("X-Incus-public", "true", "X-Incus-filename", "bb.tar.gz",
                "X-Incus-properties", "os=busy+box", "X-Incus-aliases", "alias=a&alias=b%2Fc",
                "X-Incus-profiles", "profile=default"),
                ImagesImpl.headers(ImageImport.unified(java.nio.file.Path.of("bb.tar.gz")).withPublic(true)
                        .withFilename("bb.tar.gz").withProperties(Map.of("os", "busy box")).withAliases("a", "b/c")
                        .withProfiles("default")));
    }
}
