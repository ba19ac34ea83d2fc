package dev.corral.systests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Containers outlive corrald: a running one keeps running (same init) across a daemon restart and is managed as
 * before afterwards; one with {@code boot.autostart=true} that stopped behind the daemon's back is started again
 * when the daemon starts; one without it is left stopped.
 */
class ContainerPersistenceTest {

    @RegisterExtension
    static final Corrald corrald = Corrald.create();

    /** How long the daemon may take, after answering, to have started its autostart instances. */
    private static final Duration AUTOSTART_WAIT = Duration.ofSeconds(20);

    private final Containers containers = new Containers(corrald);

    @BeforeAll
    static void needsOwnDaemon() {
        corrald.assumeCorrald("restarts the daemon and kills containers under its lxcpath");
    }

    @AfterEach
    void cleanup() {
        containers.cleanup();
    }

    @Test
    void aRunningContainerKeepsRunningAcrossADaemonRestart() throws Exception {
        String name = containers.launch("survivor");
        String stopped = containers.createStopped("asleep");
        int pid = containers.pid(name);
        long daemonPid = corrald.process().orElseThrow().pid();

        corrald.restart();

        assertNotEquals(daemonPid, corrald.process().orElseThrow().pid(), "a new daemon process");
        assertEquals("Running", containers.status(name));
        assertEquals(pid, containers.pid(name), "the same init: the container was not restarted");
        assertTrue(Files.exists(Path.of("/proc/" + pid)));
        assertTrue(containers.state(name).path("processes").asInt() > 0);
        assertEquals("Stopped", containers.status(stopped), "a stopped container stays stopped");

        // managed as before
        containers.action(name, "freeze");
        assertEquals("Frozen", containers.status(name));
        containers.action(name, "unfreeze");
        containers.forceStop(name);
        assertEquals("Stopped", containers.status(name));
        assertFalse(Files.exists(Path.of("/proc/" + pid)), "the old init is gone");
        containers.action(name, "start");
        assertEquals("Running", containers.status(name));
        assertNotEquals(pid, containers.pid(name));
        containers.forceStop(name);
        containers.delete(name);
        assertFalse(containers.exists(name));
        assertFalse(Files.exists(corrald.containersDir().resolve(name)));
    }

    @Test
    void aFrozenContainerStaysFrozenAcrossADaemonRestart() throws Exception {
        String name = containers.launch("frozen");
        int pid = containers.pid(name);
        containers.action(name, "freeze");
        corrald.restart();
        assertEquals("Frozen", containers.status(name));
        assertEquals(pid, containers.pid(name));
        containers.action(name, "unfreeze");
        assertEquals("Running", containers.status(name));
    }

    @Test
    void autostartRestartsAContainerKilledWhileTheDaemonRan() throws Exception {
        String name = autostarting("auto");
        String plain = containers.launch("plain");
        int pid = containers.pid(name);
        assertEquals(0, corrald.lxcStopBehindTheDaemonsBack(name), "lxc-stop -k " + name);
        assertEquals(0, corrald.lxcStopBehindTheDaemonsBack(plain), "lxc-stop -k " + plain);
        Containers.await(name + " seen stopped", Duration.ofSeconds(10), () -> "Stopped".equals(containers.status(name)));
        assertEquals("Stopped", containers.status(plain));

        corrald.restart();

        Containers.await(name + " (boot.autostart=true) started by the daemon", AUTOSTART_WAIT,
                () -> "Running".equals(containers.status(name)));
        assertNotEquals(pid, containers.pid(name));
        assertEquals("Stopped", containers.status(plain), "no boot.autostart: left stopped");
    }

    @Test
    void autostartRestartsAContainerKilledWhileTheDaemonWasDown() throws Exception {
        String name = autostarting("down");
        int pid = containers.pid(name);

        corrald.restart(() -> assertEquals(0, corrald.lxcStopBehindTheDaemonsBack(name), "lxc-stop -k " + name));

        Containers.await(name + " (boot.autostart=true) started by the daemon", AUTOSTART_WAIT,
                () -> "Running".equals(containers.status(name)));
        assertNotEquals(pid, containers.pid(name));
        assertFalse(Files.exists(Path.of("/proc/" + pid)));
        containers.forceStop(name);
        containers.delete(name);
    }

    private String autostarting(String prefix) {
        String name = containers.name(prefix);
        ObjectNode body = Containers.fromImage(name, true);
        body.set("config", Json.object().put("boot.autostart", "true"));
        containers.createOk(body);
        assertEquals("Running", containers.status(name));
        return name;
    }
}
