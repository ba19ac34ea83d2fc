package dev.corral.systests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code /1.0/storage-pools/{pool}/volumes}: custom volumes over REST (answers checked against Incus's spec). */
class StorageVolumesTest {

    @RegisterExtension
    static final Corrald corrald = Corrald.create();

    private static final String CUSTOM = "/1.0/storage-pools/default/volumes/custom";

    @Test
    void customVolumesAreCreatedUpdatedRenamedAndDeleted() throws Exception {
        corrald.assumeCorrald("a scratch daemon's pool directory");
        String name = "systest-v-" + System.nanoTime();
        Envelopes.sync(Api.given(corrald).body("{\"name\":\"" + name + "\",\"type\":\"custom\",\"content_type\":"
                + "\"block\",\"config\":{\"size\":\"8MiB\"},\"source\":{\"name\":\"\",\"type\":\"\",\"pool\":\"\"}}")
                .post(CUSTOM));
        Path file = corrald.dir().resolve("storage-pools/default/custom/default_" + name + "/root.img");
        assertEquals(8L << 20, Files.size(file), "a sparse raw file of the volume's size");
        Envelopes.sync(Api.given(corrald).body("{\"name\":\"" + name + "-fs\"}").post(CUSTOM));

        JsonNode volume = Envelopes.sync(Api.given(corrald).get(CUSTOM + "/" + name));
        assertEquals("block", volume.path("content_type").asText());
        assertEquals("custom", volume.path("type").asText());
        assertEquals("8MiB", volume.path("config").path("size").asText());
        assertEquals("filesystem", Envelopes.sync(Api.given(corrald).get(CUSTOM + "/" + name + "-fs"))
                .path("content_type").asText());
        assertTrue(Json.strings(Envelopes.sync(Api.given(corrald).get("/1.0/storage-pools/default/volumes")))
                .contains(CUSTOM + "/" + name));
        JsonNode all = Envelopes.sync(Api.given(corrald).get(CUSTOM + "?recursion=1"));
        assertTrue(all.toString().contains("\"name\":\"" + name + "\""), all.toString());

        String etag = Api.given(corrald).get(CUSTOM + "/" + name).header("ETag");
        Envelopes.sync(Api.given(corrald).body("{\"description\":\"scratch\"}").patch(CUSTOM + "/" + name));
        assertEquals("scratch", Envelopes.sync(Api.given(corrald).get(CUSTOM + "/" + name)).path("description")
                .asText());
        Envelopes.error(Api.given(corrald).header("If-Match", etag).body("{\"config\":{\"size\":\"8MiB\"}}")
                .put(CUSTOM + "/" + name), 412);
        Envelopes.error(Api.given(corrald).body("{\"config\":{\"size\":\"1GiB\"}}").patch(CUSTOM + "/" + name), 400);

        Envelopes.sync(Api.given(corrald).body("{\"name\":\"" + name + "-b\"}").post(CUSTOM + "/" + name));
        Envelopes.error(Api.given(corrald).get(CUSTOM + "/" + name), 404);
        assertTrue(Files.exists(corrald.dir().resolve("storage-pools/default/custom/default_" + name + "-b")));
        Envelopes.sync(Api.given(corrald).delete(CUSTOM + "/" + name + "-b"));
        Envelopes.sync(Api.given(corrald).delete(CUSTOM + "/" + name + "-fs"));
        Envelopes.error(Api.given(corrald).get(CUSTOM + "/" + name + "-b"), 404);
        assertFalse(Files.exists(corrald.dir().resolve("storage-pools/default/custom/default_" + name + "-b")));
    }

    @Test
    void badRequestsAreRefused() {
        corrald.assumeCorrald("Corral's exact messages");
        String name = "systest-vbad-" + System.nanoTime();
        Envelopes.sync(Api.given(corrald).body("{\"name\":\"" + name + "\"}").post(CUSTOM));
        try {
            assertEquals("Volume by that name already exists", Envelopes.error(Api.given(corrald)
                    .body("{\"name\":\"" + name + "\"}").post(CUSTOM), 409));
            assertTrue(Envelopes.error(Api.given(corrald).body("{\"name\":\"x\",\"content_type\":\"tape\"}")
                    .post(CUSTOM), 400).contains("Invalid content type \"tape\""));
            assertTrue(Envelopes.error(Api.given(corrald).body("{\"name\":\"a/b\"}").post(CUSTOM), 400)
                    .contains("Invalid storage volume name"));
            Envelopes.error(Api.given(corrald).body("{\"name\":\"x\"}").post(CUSTOM.replace("default", "nope")), 404);
            assertTrue(Envelopes.error(Api.given(corrald).body("{\"name\":\"x\",\"config\":{\"size\":\"lots\"}}")
                    .post(CUSTOM), 400).contains("size"));
            assertTrue(Envelopes.error(Api.given(corrald).body("{\"restore\":\"snap0\"}").put(CUSTOM + "/" + name),
                    400).contains("snapshots"));
            Envelopes.error(Api.given(corrald).delete(CUSTOM + "/nope-" + name), 404);
            Envelopes.error(Api.given(corrald).body("{\"name\":\"x\",\"bogus\":1}").post(CUSTOM), 400);
        } finally {
            Envelopes.sync(Api.given(corrald).delete(CUSTOM + "/" + name));
        }
    }
}
