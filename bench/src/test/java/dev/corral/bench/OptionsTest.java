package dev.corral.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
