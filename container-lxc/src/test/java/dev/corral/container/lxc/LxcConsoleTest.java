package dev.corral.container.lxc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corral.container.lxc.LxcExecTest.Collector;
import dev.corral.instance.DriverException;
import dev.corral.instance.Exec;
import dev.corral.instance.ExecIo;
import dev.corral.instance.ExecProcess;
import dev.corral.instance.ExecRequest;
import dev.corral.instance.InstanceConsole;
import dev.corral.instance.InstanceSpec;
import dev.corral.instance.InstanceStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The console of a real busybox container: attach, input and output, detach and re-attach, the log, a stop. */
class LxcConsoleTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static LxcTestEnv env;
    private static InstanceConsole console;
    private static Exec exec;

    @BeforeAll
    static void setUp() {
        LxcTestEnv.assumeUsable();
        env = new LxcTestEnv();
        console = env.driver.capability(InstanceConsole.class).orElseThrow();
        exec = env.driver.capability(Exec.class).orElseThrow();
    }

    @AfterAll
    static void tearDown() throws IOException {
        if (env != null) {
            env.close();
        }
    }

    private static InstanceSpec started() {
        InstanceSpec spec = env.newSpec(Map.of());
        env.driver.create(spec);
        env.driver.start(spec);
        return spec;
    }

    /** Runs a shell command inside, in the background of the test (its output discarded). */
    private static ExecProcess inside(InstanceSpec spec, String script) {
        return exec.start(spec, new ExecRequest(List.of("sh", "-c", script), Map.of("PATH", "/bin:/sbin"), 0, 0,
                "/"), new ExecIo.Files(null, null));
    }

    @Test
    void attachTypeDetachAndAttachAgain() throws Exception {
        InstanceSpec spec = started();
        Collector out = new Collector();
        try (InstanceConsole.ConsoleSession session = console.attach(spec, 100, 30, out);
                ExecProcess reader = inside(spec, "read line </dev/console; echo \"got-$line\" >/dev/console")) {
            // the reader must be waiting on the console before the line is typed: retype until it answers
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!out.text().contains("got-typed") && System.nanoTime() < deadline) {
                assertTrue(session.write("typed\n".getBytes(StandardCharsets.UTF_8)));
                out.await(t -> true, Duration.ofMillis(1));
                Thread.sleep(200);
            }
            assertTrue(out.text().contains("got-typed"), out.text());
            assertTrue(reader.waitFor(20, TimeUnit.SECONDS));
        }
        assertEquals(InstanceStatus.RUNNING, env.driver.status(spec.ref()), "detaching must not stop it");

        // the monitor serves one client at a time: a second one while the first holds it is refused
        Collector second = new Collector();
        try (InstanceConsole.ConsoleSession session = console.attach(spec, 0, 0, second)) {
            assertThrows(DriverException.class, () -> console.attach(spec, 0, 0, new Collector()));
            inside(spec, "echo second-attach >/dev/console").waitFor();
            second.await(t -> t.contains("second-attach"), WAIT);
        }
        env.driver.stop(spec.ref(), true, Duration.ZERO);
        env.driver.delete(spec.ref());
    }

    @Test
    void theSessionEndsWhenTheContainerStops() throws Exception {
        InstanceSpec spec = started();
        Collector out = new Collector();
        try (InstanceConsole.ConsoleSession session = console.attach(spec, 0, 0, out)) {
            env.driver.stop(spec.ref(), true, Duration.ZERO);
            assertTrue(out.ended.await(20, TimeUnit.SECONDS), "the console did not end with the container");
            assertTrue(session.ended());
        }
        assertThrows(DriverException.class, () -> console.attach(spec, 0, 0, new Collector()));
        env.driver.delete(spec.ref());
    }

    @Test
    void logOfARunningAndAStoppedContainer() throws Exception {
        InstanceSpec spec = started();
        // BusyboxRootfs's init writes this on the console at boot
        String log = awaitLog(spec, "corral-test-booted");
        assertTrue(log.contains("corral-test-booted"), log);
        assertArrayEquals(new byte[0], console.log(spec), "a read consumes the ring buffer");

        inside(spec, "echo after-clear-$((6*7)) >/dev/console").waitFor();
        console.clearLog(spec);
        inside(spec, "echo kept-$((6*7)) >/dev/console").waitFor();
        String next = awaitLog(spec, "kept-42");
        assertTrue(!next.contains("after-clear-42"), next);

        env.driver.stop(spec.ref(), true, Duration.ZERO);
        String file = new String(console.log(spec), StandardCharsets.UTF_8);
        assertTrue(file.contains("kept-42"), "the stopped container's log is its console.log: " + file);
        console.clearLog(spec);
        assertArrayEquals(new byte[0], console.log(spec));
        env.driver.delete(spec.ref());
    }

    @Test
    void clearingTheLogOfAContainerThatNeverRan() {
        InstanceSpec spec = env.newSpec(Map.of());
        env.driver.create(spec);
        assertThrows(NoSuchFileException.class, () -> console.clearLog(spec));
        env.driver.delete(spec.ref());
    }

    /** Reads the log until it holds {@code text} (what was read before is kept). */
    private static String awaitLog(InstanceSpec spec, String text) throws Exception {
        StringBuilder seen = new StringBuilder();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!seen.toString().contains(text) && System.nanoTime() < deadline) {
            seen.append(new String(console.log(spec), StandardCharsets.UTF_8));
            Thread.sleep(50);
        }
        return seen.toString();
    }
}
