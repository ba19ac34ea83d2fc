package dev.corral.client;

import static dev.corral.client.Await.done;
import static dev.corral.client.Await.failure;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corral.api.Event;
import dev.corral.api.Image;
import dev.corral.api.ImageAliasesEntryPut;
import dev.corral.api.ImagePut;
import dev.corral.api.Profile;
import dev.corral.api.ProfilePut;
import dev.corral.api.ProfilesPost;
import dev.corral.api.Server;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SDK against the real Incus 6.0 of this machine (skipped when none answers): read-only calls on everything,
 * and round trips (a profile, images and aliases) that remove what they made. The instance lifecycle and exec run
 * in {@link IncusInstancesTest}, which needs a storage pool of its own.
 */
class IncusIntegrationTest {

    static final Duration WAIT = Duration.ofSeconds(60);
    static Corral client;
    /** A suffix that keeps this run's names apart from anything else on the shared daemon. */
    static final String RUN = UUID.randomUUID().toString().substring(0, 8);

    @BeforeAll
    static void connect() {
        client = IncusDaemon.connectOrSkip();
    }

    @AfterAll
    static void close() {
        if (client != null) {
            client.close();
        }
    }

    @Test
    void readOnlyCalls() {
        Server server = done(client.server().get());
        assertEquals("1.0", server.apiVersion());
        assertEquals("incus", server.environment().server());
        assertTrue(server.apiExtensions().contains("instances"));
        assertTrue(done(client.server().hasExtension("container_exec_recording")));

        assertTrue(done(client.projects().names()).contains("default"));
        assertEquals("default", done(client.projects().get("default")).name());
        assertEquals(done(client.storagePools().names()).size(), done(client.storagePools().list()).size());
        assertTrue(done(client.profiles().names()).contains("default"));
        assertEquals("default", done(client.profiles().get("default")).name());
        assertEquals(done(client.images().fingerprints()).size(), done(client.images().list()).size());
        assertNotNull(done(client.images().aliases().list()));
        assertEquals(done(client.instances().names()).size(), done(client.instances().list()).size());
        assertNotNull(done(client.instances().listWithState(null)));
        assertNotNull(done(client.operations().list()));
        assertNotNull(done(client.operations().ids()));
    }

    @Test
    void errors() {
        CorralException missing = failure(client.instances().get("no-such-instance-" + RUN));
        assertTrue(missing.isNotFound(), missing::toString);
        assertTrue(failure(client.instances().start("no-such-instance-" + RUN)).isNotFound());
        assertTrue(failure(client.profiles().get("no-such-profile-" + RUN)).isNotFound());
        assertTrue(failure(client.images().get("0000000000000000000000000000000000000000000000000000000000000000"))
                .isNotFound());
        assertTrue(failure(client.operations().get(UUID.randomUUID().toString())).isNotFound());
        CorralException badConfig = failure(client.profiles().create(new ProfilesPost("sdk-bad-" + RUN,
                Map.of("no.such.key", "1"), "", Map.of())));
        assertTrue(badConfig.isBadRequest(), badConfig::toString);
        CorralException badName = failure(client.instances().create(CreateInstance.empty().withName("bad_name!")));
        assertTrue(badName.isBadRequest(), badName::toString);
    }

    @Test
    void profileRoundTripWithItsEvents() throws Exception {
        String name = "sdk-profile-" + RUN;
        BlockingQueue<Event> events = new LinkedBlockingQueue<>();
        Subscription subscription = done(client.events().subscribe(Set.of(EventType.LIFECYCLE), events::add));
        try {
            done(client.profiles().create(new ProfilesPost(name, Map.of("limits.memory", "64MiB"), "sdk", Map.of())));
            done(client.profiles().patch(name, new ProfilePut(Map.of("user.x", "1"), null, null)));
            Profile profile = done(client.profiles().get(name));
            assertEquals("1", profile.config().get("user.x"));
            assertEquals("64MiB", profile.config().get("limits.memory"));
            done(client.profiles().update(name, new ProfilePut(Map.of("user.y", "2"), "replaced", Map.of())));
            assertEquals(Map.of("user.y", "2"), done(client.profiles().get(name)).config());
            done(client.profiles().rename(name, name + "-2"));
            done(client.profiles().delete(name + "-2"));
            assertTrue(failure(client.profiles().get(name + "-2")).isNotFound());

            boolean created = false;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!created && System.nanoTime() < deadline) {
                Event event = events.poll(1, TimeUnit.SECONDS);
                created = event != null && EventMetadata.lifecycle(event)
                        .filter(l -> l.action().equals("profile-created") && l.source().endsWith("/" + name))
                        .isPresent();
            }
            assertTrue(created, "a profile-created event for " + name);
        } finally {
            subscription.close();
            for (String leftover : List.of(name, name + "-2")) {
                client.profiles().delete(leftover).exceptionally(e -> null).join();
            }
        }
    }

    @Test
    void imageRoundTrip(@TempDir Path work) throws Exception {
        TestImages made = TestImages.create(work);
        String alias = "sdk-image-" + RUN;
        List<ImportProgress> progress = new CopyOnWriteArrayList<>();
        Image image = done(client.images().importAndWait(ImageImport.unified(made.unified).withAliases(alias),
                WAIT, progress::add));
        try {
            assertEquals(TestImages.fingerprint(made.unified), image.fingerprint());
            assertTrue(progress.stream().anyMatch(p -> p.phase() == ImportProgress.Phase.UPLOAD && p.percent() == 100));
            assertEquals(image.fingerprint(), done(client.images().aliases().get(alias)).target());

            done(client.images().patch(image.fingerprint(), new ImagePut(null, Map.of("note", "sdk"), null, null,
                    null)));
            assertEquals("sdk", done(client.images().get(image.fingerprint())).properties().get("note"));

            done(client.images().aliases().create(alias + "-b", image.fingerprint(), "second"));
            done(client.images().aliases().patch(alias + "-b", new ImageAliasesEntryPut("patched", null)));
            assertEquals("patched", done(client.images().aliases().get(alias + "-b")).description());
            done(client.images().aliases().rename(alias + "-b", alias + "-c"));
            done(client.images().aliases().delete(alias + "-c"));
            assertTrue(failure(client.images().aliases().get(alias + "-c")).isNotFound());

            Path out = Files.createDirectory(work.resolve("export"));
            ExportedImage exported = done(client.images().export(image.fingerprint(), out));
            assertFalse(exported.isSplit());
            assertArrayEquals(Files.readAllBytes(made.unified), Files.readAllBytes(exported.metadata()));

            Image split = done(client.images().importAndWait(ImageImport.split(made.metadata, made.rootfs), WAIT,
                    null));
            try {
                assertEquals(TestImages.fingerprint(made.metadata, made.rootfs), split.fingerprint());
                Path splitOut = Files.createDirectory(work.resolve("export-split"));
                ExportedImage parts = done(client.images().export(split.fingerprint(), splitOut));
                assertTrue(parts.isSplit());
                assertArrayEquals(Files.readAllBytes(made.metadata), Files.readAllBytes(parts.metadata()));
                assertArrayEquals(Files.readAllBytes(made.rootfs), Files.readAllBytes(parts.rootfs()));
            } finally {
                done(done(client.images().delete(split.fingerprint())).await(WAIT));
            }
        } finally {
            done(client.images().deleteAndWait(image.fingerprint(), WAIT));
        }
        assertTrue(failure(client.images().get(image.fingerprint())).isNotFound());
        assertTrue(failure(client.images().aliases().get(alias)).isNotFound());
    }
}
