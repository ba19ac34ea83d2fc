package dev.corral.daemon.trust;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class TokenExpiryTest {

    private static final Instant NOW = Instant.parse("2026-01-31T10:00:00Z");

    @Test
    void readsIncusExpressions() {
        assertEquals(Instant.parse("2026-01-31T10:00:30Z"), TokenExpiry.from(NOW, "30S"));
        assertEquals(Instant.parse("2026-02-01T13:05:00Z"), TokenExpiry.from(NOW, "1d 3H 5M"));
        assertEquals(Instant.parse("2026-02-28T10:00:00Z"), TokenExpiry.from(NOW, "1m"));
        assertEquals(Instant.parse("2027-02-14T10:00:00Z"), TokenExpiry.from(NOW, "1y 2w"));
        assertNull(TokenExpiry.from(NOW, ""));
    }

    @Test
    void refusesWhatIncusRefuses() {
        assertTrue(TokenExpiry.isValid("1H"));
        for (String bad : new String[] {"1h", "H", "1 H", "1H 2H", "-1H", "1.5H", "forever", "1H,2M"}) {
            assertFalse(TokenExpiry.isValid(bad), bad);
        }
    }
}
