package dev.corral.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class OptionsTest {

    @Test
    void benchDefaults() {
        BenchOptions o = BenchOptions.parse(new String[] {"--socket", "/run/x.socket"});
        assertEquals("GET", o.method());
        assertEquals("/1.0", o.path());
        assertEquals(8, o.concurrency());
        assertEquals(Duration.ofSeconds(2), o.warmUp());
        assertEquals(Duration.ofSeconds(10), o.duration());
        assertEquals(0, o.requests());
        assertEquals("/run/x.socket", o.label());
    }

    @Test
    void benchRejectsNonsense() {
        assertThrows(IllegalArgumentException.class, () -> BenchOptions.parse(new String[] {}));
        assertThrows(IllegalArgumentException.class,
                () -> BenchOptions.parse(new String[] {"--socket", "s", "--concurrency", "0"}));
        assertThrows(IllegalArgumentException.class,
                () -> BenchOptions.parse(new String[] {"--socket", "s", "--duration", "-1"}));
        assertThrows(IllegalArgumentException.class,
                () -> BenchOptions.parse(new String[] {"--socket", "s", "--duration"}));
        assertThrows(IllegalArgumentException.class, () -> BenchOptions.parse(new String[] {"--bogus"}));
    }

    @Test
    void benchOverHttps() {
        BenchOptions o = BenchOptions.parse(new String[] {"--https", "127.0.0.1:8443", "--cert", "c.crt", "--key",
                "c.key", "--server-fingerprint", "AB:".repeat(31) + "AB"});
        assertEquals(new Endpoint.Https("127.0.0.1", 8443, Path.of("c.crt"), Path.of("c.key"), "ab".repeat(32)),
                o.endpoint());
        assertEquals("https://127.0.0.1:8443", o.label());
        Endpoint v6 = BenchOptions.parse(new String[] {"--https", "[::1]:9", "--cert", "c", "--key", "k"}).endpoint();
        assertEquals(new Endpoint.Https("::1", 9, Path.of("c"), Path.of("k"), null), v6);
        assertEquals("https://[::1]:9", v6.describe());
        assertEquals(new Endpoint.Unix(Path.of("/run/x.socket")),
                BenchOptions.parse(new String[] {"--socket", "/run/x.socket"}).endpoint());
    }

    @Test
    void benchOverHttpsRejectsNonsense() {
        String[][] bad = {
            {"--https", "127.0.0.1:8443"},
            {"--https", "127.0.0.1:8443", "--cert", "c"},
            {"--socket", "s", "--https", "127.0.0.1:8443", "--cert", "c", "--key", "k"},
            {"--socket", "s", "--cert", "c", "--key", "k"},
            {"--https", "127.0.0.1", "--cert", "c", "--key", "k"},
            {"--https", "127.0.0.1:0", "--cert", "c", "--key", "k"},
            {"--https", "127.0.0.1:x", "--cert", "c", "--key", "k"},
            {"--https", "::1:8443", "--cert", "c", "--key", "k"},
            {"--https", "127.0.0.1:8443", "--cert", "c", "--key", "k", "--server-fingerprint", "abc"},
        };
        for (String[] argv : bad) {
            assertThrows(IllegalArgumentException.class, () -> BenchOptions.parse(argv), String.join(" ", argv));
        }
    }

    @Test
    void startupTakesTheCommandAfterDoubleDash() {
        StartupOptions o = StartupOptions.parse(new String[] {"--runs", "3", "--", "corrald", "--runs", "x"});
        assertEquals(List.of("corrald", "--runs", "x"), o.command());
        assertEquals(3, o.runs());
        assertThrows(IllegalArgumentException.class, () -> StartupOptions.parse(new String[] {"--runs", "3"}));
    }

    @Test
    void startupSummaryUsesTheMiddleValues() {
        assertEquals("startup ms   min 1.000  median 2.500  max 9.000  (4 runs)",
                StartupBench.summary(List.of(9_000_000L, 1_000_000L, 3_000_000L, 2_000_000L)));
        assertEquals("startup ms   min 5.000  median 5.000  max 5.000  (1 runs)",
                StartupBench.summary(List.of(5_000_000L)));
    }
}
