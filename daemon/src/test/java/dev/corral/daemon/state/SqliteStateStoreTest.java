package dev.corral.daemon.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteStateStoreTest {

    @TempDir
    Path dir;

    @Test
    void freshDatabaseHasTheDefaultProject() {
        try (StateStore store = SqliteStateStore.open(dir)) {
            assertEquals(Migrations.STEPS.size(), store.schemaVersion());
            assertEquals(1, store.projects().size());
            StateStore.StoredProject project = store.project("default").orElseThrow();
            assertEquals("true", project.config().get("features.images"));
            assertTrue(store.project("nope").isEmpty());
            assertTrue(store.serverConfig().isEmpty());
        }
    }

    @Test
    void configSurvivesReopeningAndMigrationsRunOnce() {
        try (StateStore store = SqliteStateStore.open(dir)) {
            store.replaceServerConfig(Map.of("user.a", "1", "user.b", "2"));
            store.replaceServerConfig(Map.of("user.b", "3"));
        }
        try (StateStore store = SqliteStateStore.open(dir)) {
            assertEquals(Map.of("user.b", "3"), store.serverConfig());
            assertEquals(1, store.projects().size());
        }
    }
}
