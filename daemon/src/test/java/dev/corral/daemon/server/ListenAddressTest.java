package dev.corral.daemon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.corral.api.ApiException;
import org.junit.jupiter.api.Test;

class ListenAddressTest {

    @Test
    void acceptsIncusSpellings() {
        assertEquals(new ListenAddress("127.0.0.1", 8443), ListenAddress.parse("127.0.0.1", 8443));
        assertEquals(new ListenAddress("127.0.0.1", 9000), ListenAddress.parse("127.0.0.1:9000", 8443));
        assertEquals(new ListenAddress("::", 9000), ListenAddress.parse(":9000", 8443));
        assertEquals(new ListenAddress("::1", 9000), ListenAddress.parse("[::1]:9000", 8443));
        assertEquals(new ListenAddress("::1", 8443), ListenAddress.parse("[::1]", 8443));
        assertEquals("[::1]:9000", ListenAddress.parse("[::1]:9000", 8443).toString());
    }

    @Test
    void refusesGarbage() {
        for (String bad : new String[] {"1.2.3.4:0", "1.2.3.4:65536", "host:port", "[::1", "[::1]x", "a b:1",
            "1.2.3.4:1:2:x"}) {
            assertEquals(400, assertThrows(ApiException.class, () -> ListenAddress.parse(bad, 8443)).status(), bad);
        }
    }
}
