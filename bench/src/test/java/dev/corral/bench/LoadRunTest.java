package dev.corral.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Drives the load generator against an in-process unix-socket server: a test of the tool, not a benchmark. */
class LoadRunTest {

    @Test
    void countedRunSendsExactlyThatManyRequests() throws Exception {
        try (FixedResponseServer server = new FixedResponseServer(0)) {
            BenchOptions o = BenchOptions.parse(new String[] {"--socket", server.socket().toString(),
                    "--concurrency", "4", "--warmup", "0", "--requests", "500", "--max-time", "30"});
            LoadResult r = LoadRun.run(o, o.endpoint().connector());
            assertEquals(500, r.responses());
            assertEquals(0, r.errors());
            assertEquals(500, server.answered());
            assertEquals(500, r.latencyNanos().getTotalCount());
            assertTrue(r.requestsPerSecond() > 0);
            assertTrue(r.percentileMillis(50) <= r.percentileMillis(99));
            assertTrue(r.percentileMillis(99) <= r.maxMillis());
        }
    }

    @Test
    void non2xxAnswersAreCountedAsErrors() throws Exception {
        try (FixedResponseServer server = new FixedResponseServer(10)) {
            BenchOptions o = BenchOptions.parse(new String[] {"--socket", server.socket().toString(),
                    "--concurrency", "1", "--warmup", "0", "--requests", "100"});
            LoadResult r = LoadRun.run(o, o.endpoint().connector());
            assertEquals(100, r.responses());
            assertEquals(10, r.non2xx());
            assertEquals(0, r.failures());
        }
    }

    @Test
    void missingSocketFailsFastAndStopsAtTheDeadline(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path socket = dir.resolve("nobody.socket");
        BenchOptions o = BenchOptions.parse(new String[] {"--socket", socket.toString(), "--warmup", "0",
                "--duration", "0.2", "--result-file", dir.resolve("r.txt").toString()});
        LoadResult r = LoadRun.run(o, o.endpoint().connector()); // returns: the deadline ends the failing loop
        assertEquals(0, r.responses());
        assertTrue(r.failures() > 0);
        assertNotNull(r.firstFailure());
        Report.writeKeyValues(o, r);
        assertTrue(Files.readString(dir.resolve("r.txt")).contains("errors=" + r.failures()));
    }
}
