package dev.corral.client;

import static dev.corral.client.Await.done;
import static dev.corral.client.Await.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corral.api.Event;
import dev.corral.api.Instance;
import dev.corral.api.InstancePut;
import dev.corral.api.InstanceState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Instances and exec against the real Incus (skipped when none answers). Incus has no storage pool here, so the
 * class makes its own set-up and removes it afterwards: a {@code dir} pool, an image of our own (made from the
 * busybox image, with a fingerprint no one else uses), and a running container; each instance has its root disk on
 * that pool, so nothing shared (profiles, other pools) is touched.
 */
class IncusInstancesTest extends RunningInstanceContract {

    static final Duration WAIT = Duration.ofSeconds(90);
    static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    static final String POOL = "corral-sdk-" + RUN;
    static final String NAME = "sdk-exec-" + RUN;

    static Corral client;
    static Path work;
    static String fingerprint;
    static boolean poolMade;
    static final List<String> instancesMade = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void setUp() throws Exception {
        client = IncusDaemon.connectOrSkip();
        work = Files.createTempDirectory("corral-sdk-incus-");
        try {
            done(client.raw().query("POST", "/1.0/storage-pools", Map.of("name", POOL, "driver", "dir",
                    "description", "Corral SDK tests (removed afterwards)")));
            poolMade = true;
        } catch (CorralException e) {
            Assumptions.abort("cannot make a dir storage pool on Incus for the instance tests: " + e);
        }
        TestImages images = TestImages.create(work);
        fingerprint = done(client.images().importAndWait(ImageImport.unified(images.unified), WAIT, null))
                .fingerprint();
        create(NAME, true);
    }

    static CreateInstance busybox(String name) {
        return CreateInstance.fromFingerprint(fingerprint).withName(name).withProfiles(List.of())
                .withDevice("root", Map.of("type", "disk", "path", "/", "pool", POOL));
    }

    static Instance create(String name, boolean start) {
        instancesMade.add(name);
        return done(client.instances().createAndWait(busybox(name).withStart(start), WAIT));
    }

    @AfterAll
    static void tearDown() {
        if (client == null) {
            return;
        }
        List<String> problems = new ArrayList<>();
        try {
            for (String name : instancesMade) {
                try {
                    done(client.instances().stopAndWait(name, true, WAIT));
                } catch (CorralException stoppedOrGone) {
                    // not running (or already deleted): deleting below says which
                }
                try {
                    done(client.instances().deleteAndWait(name, WAIT));
                } catch (CorralException e) {
                    if (!e.isNotFound()) {
                        problems.add("instance " + name + ": " + e);
                    }
                }
            }
            if (fingerprint != null) {
                try {
                    done(client.images().deleteAndWait(fingerprint, WAIT));
                } catch (CorralException e) {
                    problems.add("image " + fingerprint + ": " + e);
                }
            }
            if (poolMade) {
                try {
                    done(client.raw().query("DELETE", "/1.0/storage-pools/" + POOL, null));
                } catch (CorralException e) {
                    problems.add("pool " + POOL + ": " + e);
                }
            }
        } finally {
            client.close();
            if (work != null) {
                CorraldProcess.deleteRecursively(work);
            }
        }
        if (!problems.isEmpty()) {
            throw new AssertionError("Incus set-up not fully removed: " + problems);
        }
    }

    @Override
    Corral client() {
        return client;
    }

    @Override
    String instance() {
        return NAME;
    }

    @Test
    void instanceLifecycle() throws Exception {
        String name = "sdk-life-" + RUN;
        BlockingQueue<Event> events = new LinkedBlockingQueue<>();
        Subscription subscription = done(client.events().subscribe(Set.of(EventType.LIFECYCLE), events::add));
        try {
            instancesMade.add(name);
            Instance created = done(client.instances().createAndWait(busybox(name).withConfig("user.owner", RUN)
                    .withStart(true), WAIT));
            assertEquals("Running", created.status());
            assertEquals(List.of(name), done(client.instances().list("config.user.owner eq " + RUN)).stream()
                    .map(Instance::name).toList());
            Instance full = done(client.instances().getWithState(name));
            assertNotNull(full.state());
            InstanceState state = done(client.instances().state(name));
            assertEquals("Running", state.status());
            assertTrue(state.pid() > 0);

            Instance patched = done(client.instances().patchAndWait(name,
                    new InstancePut(null, Map.of("user.patched", "yes"), null, null, null, null, null, null), WAIT));
            assertEquals("yes", patched.config().get("user.patched"));
            assertEquals(RUN, patched.config().get("user.owner"));

            Instance current = done(client.instances().get(name));
            Map<String, String> config = new HashMap<>(current.config());
            config.remove("user.patched");
            Instance put = done(client.instances().updateAndWait(name, new InstancePut(current.architecture(),
                    config, current.devices(), current.ephemeral(), current.profiles(), current.stateful(),
                    "replaced", null), WAIT));
            assertFalse(put.config().containsKey("user.patched"));
            assertEquals("replaced", put.description());

            assertEquals("Frozen", done(client.instances().freezeAndWait(name, WAIT)).status());
            assertEquals("Running", done(client.instances().unfreezeAndWait(name, WAIT)).status());
            assertEquals("Running", done(client.instances().restartAndWait(name, true, WAIT)).status());
            assertEquals("Stopped", done(client.instances().stopAndWait(name, true, WAIT)).status());
            instancesMade.add(name + "-2");
            assertEquals(name + "-2", done(client.instances().renameAndWait(name, name + "-2", WAIT)).name());
            assertTrue(failure(client.instances().get(name)).isNotFound());
            done(done(client.instances().delete(name + "-2")).await(WAIT));
            assertTrue(failure(client.instances().get(name + "-2")).isNotFound());

            List<String> actions = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!actions.contains("instance-deleted") && System.nanoTime() < deadline) {
                Event event = events.poll(1, TimeUnit.SECONDS);
                if (event != null) {
                    EventMetadata.lifecycle(event).filter(l -> l.source().contains("/1.0/instances/" + name))
                            .ifPresent(l -> actions.add(l.action()));
                }
            }
            assertTrue(actions.containsAll(List.of("instance-created", "instance-started", "instance-paused",
                    "instance-resumed", "instance-stopped", "instance-renamed", "instance-deleted")),
                    () -> "lifecycle events: " + actions);
        } finally {
            subscription.close();
        }
    }

    @Test
    void execInAStoppedInstanceIsABadRequest() {
        String name = "sdk-stopped-" + RUN;
        create(name, false);
        CorralException error = failure(client.instances().execAndCollect(name, ExecRequest.of("true"), WAIT));
        assertTrue(error.isBadRequest(), error::toString);
    }
}
