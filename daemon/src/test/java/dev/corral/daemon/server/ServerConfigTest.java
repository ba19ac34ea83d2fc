package dev.corral.daemon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corral.api.ApiException;
import dev.corral.daemon.state.SqliteStateStore;
import dev.corral.daemon.state.StateStore;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerConfigTest {

    @TempDir
    Path dir;
    private StateStore store;
    private ServerConfig config;

    @BeforeEach
    void open() {
        store = SqliteStateStore.open(dir);
        config = new ServerConfig(store);
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void patchMergesAndEmptyUnsets() {
        assertTrue(config.update(Map.of("user.a", "1", "user.b", "2"), false, null));
        Map<String, Object> unset = new HashMap<>();
        unset.put("user.a", "");
        unset.put("user.c", null);
        config.update(unset, false, null);
        assertEquals(Map.of("user.b", "2"), config.current());
        assertEquals(Map.of("user.b", "2"), store.serverConfig());
    }

    @Test
    void putReplacesEverything() {
        config.update(Map.of("user.a", "1"), false, null);
        config.update(Map.of("user.b", "2"), true, null);
        assertEquals(Map.of("user.b", "2"), config.current());
    }

    @Test
    void unknownKeysAreRefusedAndNothingChanges() {
        config.update(Map.of("user.a", "1"), false, null);
        ApiException e = assertThrows(ApiException.class,
                () -> config.update(Map.of("user.b", "2", "core.bogus", "x"), false, null));
        assertEquals(400, e.status());
        assertTrue(e.getMessage().contains("core.bogus"), e.getMessage());
        assertEquals(Map.of("user.a", "1"), config.current());
    }

    @Test
    void nonStringValuesAreRefused() {
        ApiException e = assertThrows(ApiException.class, () -> config.update(Map.of("user.a", 1), false, null));
        assertEquals(400, e.status());
    }

    @Test
    void etagGuardsUpdates() {
        String before = config.etag();
        config.update(Map.of("user.a", "1"), false, before);
        assertNotEquals(before, config.etag());
        ApiException e = assertThrows(ApiException.class, () -> config.update(Map.of("user.a", "2"), true, before));
        assertEquals(412, e.status());
        assertFalse(config.update(Map.of("user.a", "1"), false, config.etag()));
    }
}
