package dev.corral.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DiscoveryTest {

    static final Path CORRAL = Path.of("/var/lib/corral/unix.socket");
    static final Path INCUS = Path.of("/var/lib/incus/unix.socket");

    @Test
    void corralDirWinsThenIncusDir() {
        assertEquals(Path.of("/srv/c/unix.socket"), Corral.discoverSocket(
                Map.of("CORRAL_DIR", "/srv/c", "INCUS_DIR", "/srv/i"), p -> true));
        assertEquals(Path.of("/srv/i/unix.socket"), Corral.discoverSocket(Map.of("INCUS_DIR", "/srv/i"), p -> true));
    }

    @Test
    void aVariableThatIsSetIsUsedEvenIfItsSocketIsMissing() {
        assertEquals(Path.of("/nowhere/unix.socket"), Corral.discoverSocket(Map.of("CORRAL_DIR", "/nowhere"),
                p -> false));
    }

    @Test
    void thenTheDefaultSocketsThatExist() {
        assertEquals(CORRAL, Corral.discoverSocket(Map.of(), p -> true));
        assertEquals(INCUS, Corral.discoverSocket(Map.of("CORRAL_DIR", " "), Set.of(INCUS)::contains));
        CorralException none = assertThrows(CorralException.class, () -> Corral.discoverSocket(Map.of(), p -> false));
        assertEquals(CorralException.Kind.CONNECTION, none.kind());
        assertTrue(none.getMessage().contains("/var/lib/incus/unix.socket"), none::getMessage);
    }
}
