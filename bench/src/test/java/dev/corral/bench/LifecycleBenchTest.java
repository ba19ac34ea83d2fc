package dev.corral.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Drives LifecycleBench against an in-process fake of the instance API: a test of the tool, not a benchmark. */
class LifecycleBenchTest {

    private static LifecycleOptions options(FakeInstanceServer server, Path result, String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("--socket", server.socket().toString(), "--count", "5",
                "--parallel", "2", "--requests", "40", "--concurrency", "3", "--warmup", "0", "--phase-timeout", "20",
                "--result-file", result.toString()));
        args.addAll(List.of(extra));
        return LifecycleOptions.parse(args.toArray(String[]::new));
    }

    /** Runs the bench with stdout captured; returns {exit status, output}. */
    private static Object[] run(LifecycleOptions o) throws Exception {
        PrintStream old = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            int status = LifecycleBench.run(o);
            return new Object[] {status, captured.toString(StandardCharsets.UTF_8)};
        } finally {
            System.setOut(old);
        }
    }

    @Test
    void runsEveryPhaseAndLeavesNothingBehind(@TempDir Path dir) throws Exception {
        try (FakeInstanceServer server = new FakeInstanceServer()) {
            server.put("corralbench-77", "Running");   // a leftover of an earlier run
            server.put("someone-else", "Running");     // not ours: must survive
            Object[] r = run(options(server, dir.resolve("r.txt")));
            String out = (String) r[1];
            assertEquals(0, r[0], out);
            assertEquals(Map.of("someone-else", "Running"), server.snapshot());
            String kv = Files.readString(dir.resolve("r.txt"));
            for (String phase : List.of("launch", "stop", "start", "freeze", "unfreeze", "stop2", "delete")) {
                assertTrue(kv.contains(phase + "_ok=5\n"), phase + " in\n" + kv);
            }
            assertTrue(kv.contains("list_ok=40\n"), kv);
            assertTrue(kv.contains("state_ok=40\n"), kv);
            assertTrue(kv.contains("sweep_before_deleted=1\n"), kv);
            assertTrue(kv.contains("sweep_after_deleted=0\n"), kv);
            assertTrue(kv.contains("errors=0\n"), kv);
        }
    }

    @Test
    void aFailedOperationIsQuotedAndEverythingIsStillCleanedUp(@TempDir Path dir) throws Exception {
        try (FakeInstanceServer server = new FakeInstanceServer()) {
            server.failing.add("freeze:corralbench-03");
            Object[] r = run(options(server, dir.resolve("r.txt")));
            String out = (String) r[1];
            assertEquals(1, r[0], out);
            assertTrue(out.contains("PUT /1.0/instances/corralbench-03/state {\"action\":\"freeze\"} -> operation "
                    + "Failure: Failed freeze of corralbench-03: injected failure"), out);
            assertEquals(Map.of(), server.snapshot());
            String kv = Files.readString(dir.resolve("r.txt"));
            assertTrue(kv.contains("freeze_ok=4\nfreeze_errors=1\n"), kv);
            // The instance that did not freeze is still running: stopped and deleted with the others.
            assertTrue(kv.contains("stop2_ok=5\n"), kv);
            assertTrue(kv.contains("delete_ok=5\n"), kv);
        }
    }

    @Test
    void aRefusedCreateQuotesTheRequestAndTheAnswer(@TempDir Path dir) throws Exception {
        try (FakeInstanceServer server = new FakeInstanceServer()) {
            Object[] r = run(options(server, dir.resolve("r.txt"), "--image", "nope", "--count", "1"));
            String out = (String) r[1];
            assertEquals(1, r[0], out);
            assertTrue(out.contains("POST /1.0/instances {\"name\":\"corralbench-01\",\"source\":{\"type\":\"image\","
                    + "\"alias\":\"nope\"},\"start\":true} -> HTTP 404 "), out);
            assertTrue(out.contains("Image not found"), out);
            assertTrue(out.contains("== state: skipped"), out);
        }
    }

    @Test
    void sweepOnlyDeletesThePrefixAlone(@TempDir Path dir) throws Exception {
        try (FakeInstanceServer server = new FakeInstanceServer()) {
            server.put("corralbench-01", "Stopped");
            server.put("corralbench-02", "Frozen");
            server.put("other", "Stopped");
            Object[] r = run(options(server, dir.resolve("r.txt"), "--sweep-only"));
            assertEquals(0, r[0], (String) r[1]);
            assertEquals(Map.of("other", "Stopped"), server.snapshot());
        }
    }

    @Test
    void optionsCheckNamesAndLimits() {
        LifecycleOptions o = LifecycleOptions.parse(new String[] {"--socket", "s", "--profile", "a", "--profile", "b"});
        assertEquals(List.of("a", "b"), o.profiles());
        assertEquals(20, o.names().size());
        assertEquals("corralbench-01", o.names().get(0));
        assertEquals("corralbench-20", o.names().get(19));
        assertEquals("x-001", LifecycleOptions.parse(new String[] {"--socket", "s", "--count", "100", "--prefix", "x-"})
                .names().get(0));
        assertThrows(IllegalArgumentException.class,
                () -> LifecycleOptions.parse(new String[] {"--socket", "s", "--prefix", "9bad"}));
        assertThrows(IllegalArgumentException.class,
                () -> LifecycleOptions.parse(new String[] {"--socket", "s", "--op-timeout", "0"}));
        assertThrows(IllegalArgumentException.class, () -> LifecycleOptions.parse(new String[] {"--count", "2"}));
    }
}
