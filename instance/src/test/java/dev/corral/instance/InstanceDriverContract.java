package dev.corral.instance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link InstanceDriver} must do, checked against real instances of the driver under test. A driver's
 * test class extends this and provides the driver, fresh instances with ready volumes, a view of the live memory
 * limit, and cleanup; it may skip the whole class (JUnit assumptions in a {@code @BeforeAll}/{@code @BeforeEach})
 * where the backend is not usable.
 *
 * <p>Assertions are about the SPI only: statuses, pids, what {@link InstanceDriver#running()} lists, which calls
 * fail with a {@link DriverException}. Timings are the subclass's business.
 */
public abstract class InstanceDriverContract {

    private static final long MIB = 1024 * 1024;

    /** The driver under test. */
    protected abstract InstanceDriver driver();

    /**
     * A spec for a new instance with a unique name, whose volume (root filesystem or disk) is ready, with exactly
     * {@code config} as its expanded configuration. Not yet created in the driver.
     */
    protected abstract InstanceSpec newSpec(Map<String, String> config);

    /**
     * The spec of {@code spec}'s instance after a rename to {@code newName}, as the daemon passes it to {@link
     * InstanceDriver#rename}: same config, its volume moved or reachable under the new name.
     */
    protected abstract InstanceSpec renamedSpec(InstanceSpec spec, String newName);

    /**
     * The memory limit, in bytes, the running instance is held to right now as the backend enforces it (a cgroup
     * file, a domain's current memory), {@code Long.MAX_VALUE} when unlimited.
     */
    protected abstract long liveMemoryLimit(InstanceRef ref);

    /** Stops and forgets every instance a test made and removes their volumes. Runs after each test. */
    protected abstract void cleanup();

    /** How long a graceful stop may wait before the driver kills; the test image must halt well within it. */
    protected Duration gracefulTimeout() {
        return Duration.ofSeconds(30);
    }

    @AfterEach
    final void cleanupInstances() {
        cleanup();
    }

    // --- lifecycle

    @Test
    void createdInstanceIsStoppedUntilStarted() {
        InstanceSpec spec = created(Map.of());
        assertStopped(spec.ref());
        assertFalse(driver().running().contains(spec.ref().backendName()));
    }

    @Test
    void startRunsTheInstance() {
        InstanceSpec spec = started(Map.of());
        RuntimeState state = driver().state(spec.ref());
        assertEquals(InstanceStatus.RUNNING, state.status());
        assertTrue(state.pid() > 0, "pid of a running instance: " + state.pid());
        assertTrue(driver().running().contains(spec.ref().backendName()), "running(): " + driver().running());
    }

    @Test
    void startOfARunningInstanceFails() {
        InstanceSpec spec = started(Map.of());
        long pid = driver().state(spec.ref()).pid();
        assertThrows(DriverException.class, () -> driver().start(spec));
        RuntimeState after = driver().state(spec.ref());
        assertEquals(InstanceStatus.RUNNING, after.status());
        assertEquals(pid, after.pid(), "the failed start must leave the running instance alone");
    }

    @Test
    void stateCountersAreReadOrMinusOne() {
        InstanceSpec spec = started(Map.of());
        RuntimeState s = driver().state(spec.ref());
        assertTrue(s.processes() == -1 || s.processes() >= 1, "processes " + s.processes());
        assertTrue(s.cpuNanos() >= -1, "cpu " + s.cpuNanos());
        assertTrue(s.memoryBytes() == -1 || s.memoryBytes() > 0, "memory " + s.memoryBytes());
        assertTrue(s.memoryPeakBytes() == -1 || s.memoryPeakBytes() >= s.memoryBytes(),
                "peak " + s.memoryPeakBytes() + " < usage " + s.memoryBytes());
        assertNotNull(s.network());
    }

    @Test
    void freezeThenUnfreeze() {
        InstanceSpec spec = started(Map.of());
        long pid = driver().state(spec.ref()).pid();
        assertEquals(InstanceStatus.RUNNING, driver().status(spec.ref()));
        driver().freeze(spec.ref());
        assertEquals(InstanceStatus.FROZEN, driver().state(spec.ref()).status());
        assertEquals(InstanceStatus.FROZEN, driver().status(spec.ref()));
        driver().unfreeze(spec.ref());
        RuntimeState thawed = driver().state(spec.ref());
        assertEquals(InstanceStatus.RUNNING, thawed.status());
        assertEquals(pid, thawed.pid());
    }

    @Test
    void freezeOfAStoppedInstanceFails() {
        InstanceSpec spec = created(Map.of());
        assertThrows(DriverException.class, () -> driver().freeze(spec.ref()));
        assertStopped(spec.ref());
    }

    @Test
    void forceStopStopsAtOnce() {
        InstanceSpec spec = started(Map.of());
        driver().stop(spec.ref(), true, Duration.ZERO);
        assertStopped(spec.ref());
        assertFalse(driver().running().contains(spec.ref().backendName()));
    }

    @Test
    void forceStopOfAFrozenInstance() {
        InstanceSpec spec = started(Map.of());
        driver().freeze(spec.ref());
        driver().stop(spec.ref(), true, Duration.ZERO);
        assertStopped(spec.ref());
    }

    @Test
    void gracefulStopWithinTheTimeout() {
        InstanceSpec spec = started(Map.of());
        long t0 = System.nanoTime();
        driver().stop(spec.ref(), false, gracefulTimeout());
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        assertStopped(spec.ref());
        assertTrue(took.compareTo(gracefulTimeout().plusSeconds(5)) < 0, "graceful stop took " + took);
    }

    @Test
    void stopOfAStoppedInstanceReturns() {
        InstanceSpec spec = created(Map.of());
        driver().stop(spec.ref(), true, Duration.ZERO);
        driver().stop(spec.ref(), false, Duration.ofSeconds(1));
        assertStopped(spec.ref());
    }

    @Test
    void restart() {
        InstanceSpec spec = started(Map.of());
        driver().stop(spec.ref(), true, Duration.ZERO);
        assertStopped(spec.ref());
        driver().start(spec);
        RuntimeState again = driver().state(spec.ref());
        assertEquals(InstanceStatus.RUNNING, again.status());
        assertTrue(again.pid() > 0);
    }

    // --- configuration

    @Test
    void updateAppliesMemoryLimitLive() {
        InstanceSpec spec = started(Map.of());
        long pid = driver().state(spec.ref()).pid();
        driver().update(with(spec, "limits.memory", "256MiB"));
        assertEquals(256 * MIB, liveMemoryLimit(spec.ref()));
        driver().update(with(spec, "limits.memory", "128MiB"));
        assertEquals(128 * MIB, liveMemoryLimit(spec.ref()));
        RuntimeState after = driver().state(spec.ref());
        assertEquals(InstanceStatus.RUNNING, after.status());
        assertEquals(pid, after.pid(), "a live update must not restart the instance");
    }

    @Test
    void updateOfAStoppedInstanceAppliesAtStart() {
        InstanceSpec spec = created(Map.of());
        InstanceSpec limited = with(spec, "limits.memory", "192MiB");
        driver().update(limited);
        assertStopped(spec.ref());
        driver().start(limited);
        assertEquals(192 * MIB, liveMemoryLimit(spec.ref()));
    }

    @Test
    void startWithAMemoryLimit() {
        InstanceSpec spec = started(Map.of("limits.memory", "160MiB"));
        assertEquals(160 * MIB, liveMemoryLimit(spec.ref()));
    }

    // --- rename, delete, running()

    @Test
    void renameThenStartUnderTheNewName() {
        InstanceSpec spec = started(Map.of());
        driver().stop(spec.ref(), true, Duration.ZERO);
        InstanceSpec renamed = renamedSpec(spec, spec.ref().name() + "-renamed");
        driver().rename(spec, renamed);
        driver().start(renamed);
        assertEquals(InstanceStatus.RUNNING, driver().state(renamed.ref()).status());
        assertStopped(spec.ref());
        assertTrue(driver().running().contains(renamed.ref().backendName()));
        assertFalse(driver().running().contains(spec.ref().backendName()));
    }

    @Test
    void renameOfARunningInstanceFails() {
        InstanceSpec spec = started(Map.of());
        InstanceSpec renamed = renamedSpec(spec, spec.ref().name() + "-renamed");
        assertThrows(DriverException.class, () -> driver().rename(spec, renamed));
        assertEquals(InstanceStatus.RUNNING, driver().state(spec.ref()).status());
    }

    @Test
    void deleteForgetsTheInstance() {
        InstanceSpec spec = started(Map.of());
        driver().stop(spec.ref(), true, Duration.ZERO);
        driver().delete(spec.ref());
        assertFalse(driver().running().contains(spec.ref().backendName()));
        assertStopped(spec.ref());
        driver().create(spec); // the name is free again
        driver().start(spec);
        assertEquals(InstanceStatus.RUNNING, driver().state(spec.ref()).status());
    }

    @Test
    void deleteOfARunningInstanceFails() {
        InstanceSpec spec = started(Map.of());
        assertThrows(DriverException.class, () -> driver().delete(spec.ref()));
        assertEquals(InstanceStatus.RUNNING, driver().state(spec.ref()).status());
    }

    @Test
    void runningListsRunningInstancesOnly() {
        InstanceSpec up = started(Map.of());
        InstanceSpec down = created(Map.of());
        InstanceSpec stopped = started(Map.of());
        driver().stop(stopped.ref(), true, Duration.ZERO);
        var running = driver().running();
        assertTrue(running.contains(up.ref().backendName()), "running(): " + running);
        assertFalse(running.contains(down.ref().backendName()), "running(): " + running);
        assertFalse(running.contains(stopped.ref().backendName()), "running(): " + running);
    }

    // --- console (drivers with the InstanceConsole capability)

    private InstanceConsole console() {
        var console = driver().capability(InstanceConsole.class);
        org.junit.jupiter.api.Assumptions.assumeTrue(console.isPresent(), "the driver has no console");
        return console.get();
    }

    /** Keeps nothing; counts the end. */
    private static final class EndSink implements ExecSink {
        final java.util.concurrent.CountDownLatch ended = new java.util.concurrent.CountDownLatch(1);

        @Override
        public void write(byte[] data) {
        }

        @Override
        public void end() {
            ended.countDown();
        }
    }

    @Test
    void consoleDetachLeavesTheInstanceRunningAndAttachesAgain() {
        InstanceConsole console = console();
        InstanceSpec spec = started(Map.of());
        try (InstanceConsole.ConsoleSession session = console.attach(spec, 80, 24, new EndSink())) {
            assertFalse(session.ended());
            assertTrue(session.write("\n".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            session.resize(100, 30);
        }
        assertEquals(InstanceStatus.RUNNING, driver().status(spec.ref()), "detaching must not stop it");
        try (InstanceConsole.ConsoleSession again = console.attach(spec, 0, 0, new EndSink())) {
            assertFalse(again.ended());
        }
    }

    @Test
    void consoleOfAStoppedInstanceFails() {
        InstanceConsole console = console();
        InstanceSpec spec = created(Map.of());
        assertThrows(DriverException.class, () -> console.attach(spec, 0, 0, new EndSink()));
    }

    @Test
    void consoleSessionEndsWhenTheInstanceStops() throws Exception {
        InstanceConsole console = console();
        InstanceSpec spec = started(Map.of());
        EndSink sink = new EndSink();
        try (InstanceConsole.ConsoleSession session = console.attach(spec, 0, 0, sink)) {
            driver().stop(spec.ref(), true, Duration.ZERO);
            assertTrue(sink.ended.await(30, java.util.concurrent.TimeUnit.SECONDS), "the console did not end");
            assertTrue(session.ended());
        }
    }

    @Test
    void consoleLogOfRunningAndStoppedInstances() throws Exception {
        InstanceConsole console = console();
        InstanceSpec spec = started(Map.of());
        assertNotNull(console.log(spec));
        console.clearLog(spec);
        driver().stop(spec.ref(), true, Duration.ZERO);
        assertNotNull(console.log(spec));
    }

    // --- helpers for subclasses too

    /** A new instance, created in the driver. */
    protected final InstanceSpec created(Map<String, String> config) {
        InstanceSpec spec = newSpec(config);
        driver().create(spec);
        return spec;
    }

    /** A new instance, created and started. */
    protected final InstanceSpec started(Map<String, String> config) {
        InstanceSpec spec = created(config);
        driver().start(spec);
        return spec;
    }

    /** {@code spec} with one config key set. */
    protected static InstanceSpec with(InstanceSpec spec, String key, String value) {
        Map<String, String> config = new HashMap<>(spec.config());
        config.put(key, value);
        return new InstanceSpec(spec.ref(), spec.type(), config, spec.devices(), spec.volume(), spec.logDir(),
                spec.idMap());
    }

    protected final void assertStopped(InstanceRef ref) {
        RuntimeState s = driver().state(ref);
        assertEquals(InstanceStatus.STOPPED, s.status());
        assertEquals(InstanceStatus.STOPPED, driver().status(ref), "status() agrees with state()");
        assertEquals(-1, s.pid(), "pid of a stopped instance");
    }
}
