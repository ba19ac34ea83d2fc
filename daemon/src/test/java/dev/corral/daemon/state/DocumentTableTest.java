package dev.corral.daemon.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DocumentTableTest {

    record Thing(String name, Map<String, String> config) {
    }

    @TempDir
    Path dir;

    @Test
    void documentsRoundTripByProjectAndName() {
        try (StateStore store = SqliteStateStore.open(dir)) {
            DocumentTable<Thing> things = store.documents(Documents.PROFILES, Thing.class);
            things.insert("default", "a", new Thing("a", Map.of("k", "v")));
            things.insert("other", "a", new Thing("a", Map.of()));
            assertThrows(StateConflictException.class, () -> things.insert("default", "a", new Thing("a", Map.of())));
            assertEquals(Map.of("k", "v"), things.get("default", "a").orElseThrow().config());
            assertEquals(1, things.list("default").size());
            assertEquals(2, things.list(null).size());

            assertTrue(things.update("default", "a", new Thing("a", Map.of("k", "w"))));
            assertFalse(things.update("default", "zz", new Thing("zz", Map.of())));
            things.rename("default", "a", "b", new Thing("b", Map.of("k", "w")));
            assertTrue(things.get("default", "a").isEmpty());
            assertEquals(List.of("b"), things.list("default").stream().map(Thing::name).toList());
            assertTrue(things.delete("default", "b"));
            assertFalse(things.delete("default", "b"));
        }
    }

    @Test
    void aFailedRenameChangesNothing() {
        try (StateStore store = SqliteStateStore.open(dir)) {
            DocumentTable<Thing> things = store.documents(Documents.INSTANCES, Thing.class);
            things.insert("default", "a", new Thing("a", Map.of()));
            things.insert("default", "b", new Thing("b", Map.of()));
            assertThrows(StateConflictException.class, () -> things.rename("default", "a", "b", new Thing("b", Map.of())));
            assertTrue(things.get("default", "a").isPresent());
        }
    }
}
