package dev.corral.client;

import static dev.corral.client.Await.done;
import static dev.corral.client.Await.failure;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.corral.api.Event;
import dev.corral.api.Image;
import dev.corral.api.ImageAliasesEntry;
import dev.corral.api.ImageAliasesEntryPut;
import dev.corral.api.ImagePut;
import dev.corral.api.Instance;
import dev.corral.api.InstancePut;
import dev.corral.api.InstanceState;
import dev.corral.api.LifecycleEvent;
import dev.corral.api.Operation;
import dev.corral.api.Profile;
import dev.corral.api.ProfilePut;
import dev.corral.api.ProfilesPost;
import dev.corral.api.Server;
import dev.corral.api.ServerPut;
import dev.corral.api.StoragePool;
import dev.corral.client.examples.LifecycleExample;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every SDK method against a real corrald (scratch {@code CORRAL_DIR}, real busybox containers). Each test uses its
 * own names and removes what it made; the extension kills any container left behind.
 */
class CorraldIntegrationTest {

    @RegisterExtension
    static final CorraldProcess CORRALD = new CorraldProcess();

    static final Duration WAIT = Duration.ofSeconds(60);

    static Corral client;

    @BeforeAll
    static void connect() {
        client = Corral.connectUnix(CORRALD.socket());
    }

    @AfterAll
    static void close() {
        if (client != null) {
            client.close();
        }
    }

    /** Removes an instance whatever its state (best effort, for finally blocks). */
    static void remove(String name) {
        try {
            done(client.instances().stopAndWait(name, true, WAIT));
        } catch (CorralException e) {
            // not running, or not there
        }
        try {
            done(client.instances().deleteAndWait(name, WAIT));
        } catch (CorralException e) {
            if (!e.isNotFound()) {
                throw e;
            }
        }
    }

    // ---- server, projects, storage pools ----

    @Test
    void serverGetPatchPut() {
        Server server = done(client.server().get());
        assertEquals("1.0", server.apiVersion());
        assertEquals("trusted", server.auth());
        assertNotNull(server.environment());
        assertTrue(done(client.server().hasExtension("etag")) || !server.apiExtensions().isEmpty());

        Map<String, Object> before = new HashMap<>(server.config() == null ? Map.of() : server.config());
        done(client.server().patch(new ServerPut(Map.of("user.sdk-test", "patched"))));
        assertEquals("patched", done(client.server().get()).config().get("user.sdk-test"));

        done(client.server().update(new ServerPut(before)));
        assertFalse(done(client.server().get()).config().containsKey("user.sdk-test"));
    }

    @Test
    void projectsAndStoragePools() {
        assertTrue(done(client.projects().names()).contains("default"));
        assertTrue(done(client.projects().list()).stream().anyMatch(p -> p.name().equals("default")));
        assertEquals("default", done(client.projects().get("default")).name());

        assertTrue(done(client.storagePools().names()).contains("default"));
        StoragePool pool = done(client.storagePools().get("default"));
        assertEquals("dir", pool.driver());
        assertEquals(List.of("default"), done(client.storagePools().list()).stream().map(StoragePool::name).toList());
        assertTrue(failure(client.storagePools().get("nope")).isNotFound());
    }

    // ---- profiles ----

    @Test
    void profilesRoundTrip() {
        String name = "sdk-profile";
        done(client.profiles().create(new ProfilesPost(name, Map.of("limits.memory", "64MiB"), "made by the SDK",
                Map.of())));
        try {
            assertTrue(done(client.profiles().names()).contains(name));
            Profile profile = done(client.profiles().get(name));
            assertEquals("64MiB", profile.config().get("limits.memory"));
            assertEquals("made by the SDK", profile.description());
            assertTrue(done(client.profiles().list()).stream().anyMatch(p -> p.name().equals(name)));
            assertTrue(failure(client.profiles().create(new ProfilesPost(name, Map.of(), "", Map.of()))).isConflict());

            done(client.profiles().patch(name, new ProfilePut(Map.of("user.x", "1"), null, null)));
            profile = done(client.profiles().get(name));
            assertEquals("1", profile.config().get("user.x"));
            assertEquals("64MiB", profile.config().get("limits.memory"));

            done(client.profiles().update(name, new ProfilePut(Map.of("user.y", "2"), "replaced", Map.of())));
            profile = done(client.profiles().get(name));
            assertEquals(Map.of("user.y", "2"), profile.config());
            assertEquals("replaced", profile.description());

            done(client.profiles().rename(name, name + "-2"));
            assertTrue(failure(client.profiles().get(name)).isNotFound());
            done(client.profiles().delete(name + "-2"));
            assertTrue(failure(client.profiles().get(name + "-2")).isNotFound());
        } finally {
            for (String leftover : List.of(name, name + "-2")) {
                client.profiles().delete(leftover).exceptionally(e -> null).join();
            }
        }
    }

    // ---- images and aliases ----

    @Test
    void imagesImportExportAliases(@TempDir Path work) throws Exception {
        List<Image> images = done(client.images().list());
        assertTrue(images.stream().anyMatch(i -> i.aliases().stream().anyMatch(a -> a.name().equals("busybox"))),
                "the built-in busybox image");
        assertEquals(images.size(), done(client.images().fingerprints()).size());
        assertFalse(done(client.images().list("properties.os eq busybox")).isEmpty());

        TestImages made = TestImages.create(work);
        List<ImportProgress> progress = new CopyOnWriteArrayList<>();
        Image unified = done(client.images().importAndWait(
                ImageImport.unified(made.unified).withAliases("sdk-unified").withProperties(Map.of("note", "sdk")),
                WAIT, progress::add));
        try {
            assertEquals(TestImages.fingerprint(made.unified), unified.fingerprint());
            assertEquals("sdk", unified.properties().get("note"));
            assertTrue(progress.stream().anyMatch(p -> p.phase() == ImportProgress.Phase.UPLOAD
                    && p.percent() == 100 && p.bytes() == p.totalBytes()), () -> "upload progress: " + progress);
            assertTrue(unified.aliases().stream().anyMatch(a -> a.name().equals("sdk-unified")));
            assertEquals(unified.fingerprint(), done(client.images().get(unified.fingerprint())).fingerprint());

            // writable fields
            done(client.images().patch(unified.fingerprint(), new ImagePut(null, Map.of("note", "patched"), null,
                    null, null)));
            assertEquals("patched", done(client.images().get(unified.fingerprint())).properties().get("note"));
            done(client.images().update(unified.fingerprint(), new ImagePut(false, Map.of("os", "busybox"), true,
                    null, List.of("default"))));
            Image updated = done(client.images().get(unified.fingerprint()));
            assertTrue(updated.isPublic());
            assertEquals(Map.of("os", "busybox"), updated.properties());

            // export: the same bytes
            Path out = Files.createDirectory(work.resolve("export-unified"));
            ExportedImage exported = done(client.images().export(unified.fingerprint(), out));
            assertFalse(exported.isSplit());
            assertArrayEquals(Files.readAllBytes(made.unified), Files.readAllBytes(exported.metadata()));

            // aliases
            ImageAliases aliases = client.images().aliases();
            done(aliases.create("sdk-alias", unified.fingerprint(), "first"));
            assertTrue(done(aliases.names()).containsAll(List.of("sdk-alias", "sdk-unified", "busybox")));
            assertTrue(done(aliases.list()).stream().anyMatch(a -> a.name().equals("sdk-alias")));
            ImageAliasesEntry alias = done(aliases.get("sdk-alias"));
            assertEquals(unified.fingerprint(), alias.target());
            assertEquals("first", alias.description());
            assertTrue(failure(aliases.create("sdk-alias", unified.fingerprint(), "")).isConflict());
            done(aliases.patch("sdk-alias", new ImageAliasesEntryPut("patched", null)));
            assertEquals("patched", done(aliases.get("sdk-alias")).description());
            done(aliases.update("sdk-alias", new ImageAliasesEntryPut("put", unified.fingerprint())));
            assertEquals("put", done(aliases.get("sdk-alias")).description());
            done(aliases.rename("sdk-alias", "sdk-alias-2"));
            assertTrue(failure(aliases.get("sdk-alias")).isNotFound());
            done(aliases.delete("sdk-alias-2"));
            assertTrue(failure(aliases.get("sdk-alias-2")).isNotFound());

            // a split image: two files up, two files down
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
                OperationHandle deleting = done(client.images().delete(split.fingerprint()));
                done(deleting.await(WAIT));
            }
            assertTrue(failure(client.images().get(split.fingerprint())).isNotFound());
        } finally {
            done(client.images().deleteAndWait(unified.fingerprint(), WAIT));
        }
        assertTrue(failure(client.images().get(unified.fingerprint())).isNotFound());
        assertTrue(failure(client.images().aliases().get("sdk-unified")).isNotFound());
    }

    // ---- instances ----

    @Test
    void instanceLifecycle() {
        String name = "sdk-life";
        try {
            Instance created = done(client.instances().createAndWait(CreateInstance.fromImage("busybox")
                    .withName(name).withConfig("user.owner", "sdk").withStart(true), WAIT));
            assertEquals("Running", created.status());
            assertEquals("sdk", created.config().get("user.owner"));

            assertTrue(done(client.instances().names()).contains(name));
            assertTrue(done(client.instances().list()).stream().anyMatch(i -> i.name().equals(name)));
            assertEquals(List.of(name), done(client.instances().list("config.user.owner eq sdk")).stream()
                    .map(Instance::name).toList());
            assertTrue(done(client.instances().list("config.user.owner eq nobody")).isEmpty());
            Instance full = done(client.instances().listWithState("config.user.owner eq sdk")).get(0);
            assertNotNull(full.state());
            assertTrue(full.state().pid() > 0);
            assertNull(done(client.instances().get(name)).state());
            assertNotNull(done(client.instances().getWithState(name)).state());
            InstanceState state = done(client.instances().state(name));
            assertEquals("Running", state.status());
            assertTrue(state.processes() > 0);

            Instance patched = done(client.instances().patchAndWait(name,
                    new InstancePut(null, Map.of("user.patched", "yes"), null, null, null, null, null, null), WAIT));
            assertEquals("yes", patched.config().get("user.patched"));
            assertEquals("sdk", patched.config().get("user.owner"));

            Instance current = done(client.instances().get(name));
            Map<String, String> config = new HashMap<>(current.config());
            config.remove("user.patched");
            config.put("user.put", "1");
            Instance put = done(client.instances().updateAndWait(name, new InstancePut(current.architecture(),
                    config, current.devices(), current.ephemeral(), current.profiles(), current.stateful(),
                    "replaced", null), WAIT));
            assertEquals("1", put.config().get("user.put"));
            assertFalse(put.config().containsKey("user.patched"));
            assertEquals("replaced", put.description());

            assertEquals("Frozen", done(client.instances().freezeAndWait(name, WAIT)).status());
            assertEquals("Running", done(client.instances().unfreezeAndWait(name, WAIT)).status());
            assertEquals("Running", done(client.instances().restartAndWait(name, true, WAIT)).status());
            assertEquals("Stopped", done(client.instances().stopAndWait(name, true, WAIT)).status());

            Instance renamed = done(client.instances().renameAndWait(name, name + "-2", WAIT));
            assertEquals(name + "-2", renamed.name());
            assertTrue(failure(client.instances().get(name)).isNotFound());

            // the plain variants: an operation handle, then its end
            OperationHandle starting = done(client.instances().start(name + "-2"));
            assertFalse(starting.id().isEmpty());
            assertEquals("Success", done(starting.await(WAIT)).status());
            assertEquals("Running", done(client.instances().get(name + "-2")).status());
            done(done(client.instances().changeState(name + "-2", StateChange.stop(true))).await(WAIT));
            done(done(client.instances().delete(name + "-2")).await(WAIT));
            assertTrue(failure(client.instances().get(name + "-2")).isNotFound());
        } finally {
            remove(name);
            remove(name + "-2");
        }
    }

    @Test
    void createFromFingerprintOrEmpty() {
        String fingerprint = done(client.images().aliases().get("busybox")).target();
        try {
            Instance fromFingerprint = done(client.instances().createAndWait(
                    CreateInstance.fromFingerprint(fingerprint).withName("sdk-fp"), WAIT));
            assertEquals("Stopped", fromFingerprint.status());
            assertEquals(fingerprint, fromFingerprint.config().get("volatile.base_image"));

            OperationHandle creating = done(client.instances().create(CreateInstance.empty().withName("sdk-empty")
                    .withDescription("nothing inside")));
            done(creating.await(WAIT));
            assertEquals("nothing inside", done(client.instances().get("sdk-empty")).description());

            // a name the daemon picks
            Instance unnamed = done(client.instances().createAndWait(CreateInstance.empty(), WAIT));
            assertFalse(unnamed.name().isEmpty());
            done(client.instances().deleteAndWait(unnamed.name(), WAIT));
        } finally {
            remove("sdk-fp");
            remove("sdk-empty");
        }
    }

    // ---- events ----

    @Test
    void lifecycleEventsOfAnInstance() throws Exception {
        String name = "sdk-events";
        BlockingQueue<Event> events = new LinkedBlockingQueue<>();
        CompletableFuture<Void> ended = new CompletableFuture<>();
        Subscription subscription = done(client.events().subscribe(Set.of(EventType.LIFECYCLE),
                new StreamCallback<Event>() {
                    @Override
                    public void onNext(Event event) {
                        events.add(event);
                    }

                    @Override
                    public void onComplete() {
                        ended.complete(null);
                    }

                    @Override
                    public void onError(Throwable error) {
                        ended.completeExceptionally(error);
                    }
                }));
        try {
            assertTrue(subscription.isOpen());
            done(client.instances().createAndWait(CreateInstance.fromImage("busybox").withName(name).withStart(true),
                    WAIT));
            List<String> seen = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!seen.contains("instance-started") && System.nanoTime() < deadline) {
                Event event = events.poll(1, TimeUnit.SECONDS);
                if (event == null) {
                    continue;
                }
                assertEquals("lifecycle", event.type());
                LifecycleEvent lifecycle = EventMetadata.lifecycle(event).orElseThrow();
                if (("/1.0/instances/" + name).equals(lifecycle.source())) {
                    seen.add(lifecycle.action());
                }
            }
            assertTrue(seen.contains("instance-created"), () -> "events for " + name + ": " + seen);
            assertTrue(seen.contains("instance-started"), () -> "events for " + name + ": " + seen);
        } finally {
            subscription.close();
            remove(name);
        }
        ended.get(10, TimeUnit.SECONDS);
        assertFalse(subscription.isOpen());
    }

    // ---- operations ----

    private static OperationHandle testOperation(long durationMs, boolean mayCancel, boolean fail) {
        return done(client.raw().queryOperation("POST", "/internal/testing/operations",
                Map.of("duration_ms", durationMs, "may_cancel", mayCancel, "fail", fail)));
    }

    @Test
    void cancelAWaitingOperation() {
        OperationHandle op = testOperation(30_000, true, false);
        assertTrue(op.snapshot().mayCancel());
        assertTrue(done(client.operations().ids()).contains(op.id()));
        assertTrue(done(client.operations().list()).stream().anyMatch(o -> o.id().equals(op.id())));
        assertEquals("Running", done(client.operations().get(op.id())).status());

        List<Operation> updates = new CopyOnWriteArrayList<>();
        Subscription watching = done(op.onUpdate(updates::add));
        CompletableFuture<Operation> waiting = op.await(WAIT);
        done(op.cancel());
        CorralException cancelled = failure(waiting);
        assertEquals(CorralException.Kind.OPERATION_CANCELLED, cancelled.kind());
        assertEquals(401, cancelled.errorCode());
        assertEquals("Cancelled", cancelled.operation().status());
        waitUntil(() -> !watching.isOpen());
        assertEquals("Running", updates.get(0).status());
        assertEquals("Cancelled", updates.get(updates.size() - 1).status());
    }

    @Test
    void operationWaitsTimeoutsAndFailures() {
        OperationHandle slow = testOperation(2_000, false, false);
        CorralException timeout = failure(slow.await(Duration.ofMillis(300)));
        assertEquals(CorralException.Kind.TIMEOUT, timeout.kind());
        assertEquals("Success", done(client.operations().await(slow.id(), WAIT)).status());
        assertEquals("Success", done(slow.refresh()).status());

        OperationHandle failing = testOperation(100, false, true);
        CorralException failed = failure(failing.await(WAIT));
        assertEquals(CorralException.Kind.OPERATION_FAILED, failed.kind());
        assertTrue(failed.getMessage().contains("failed as asked"), failed.getMessage());

        CorralException notCancellable = failure(testOperation(5_000, false, false).cancel());
        assertEquals(CorralException.Kind.ERROR_RESPONSE, notCancellable.kind());
        assertTrue(failure(client.operations().get("00000000-0000-0000-0000-000000000000")).isNotFound());
    }

    @Test
    void operationWebsocketEcho() throws Exception {
        OperationHandle echo = done(client.raw().queryOperation("POST", "/internal/testing/echo", null));
        String secret = echo.secrets().get("0");
        assertNotNull(secret, () -> "secrets: " + echo.secrets());
        BlockingQueue<WebSocketMessage> received = new LinkedBlockingQueue<>();
        CompletableFuture<Void> closed = new CompletableFuture<>();
        WebSocketConnection socket = done(echo.websocket(secret, new StreamCallback<>() {
            @Override
            public void onNext(WebSocketMessage message) {
                received.add(message);
            }

            @Override
            public void onComplete() {
                closed.complete(null);
            }
        }));
        done(socket.sendText("hello"));
        byte[] big = new byte[200_000];
        new java.util.Random(1).nextBytes(big);
        done(socket.sendBinary(big));
        WebSocketMessage first = received.poll(10, TimeUnit.SECONDS);
        assertNotNull(first);
        assertEquals("hello", first.asText());
        WebSocketMessage second = received.poll(10, TimeUnit.SECONDS);
        assertNotNull(second);
        assertEquals(WebSocketMessage.Type.BINARY, second.type());
        assertArrayEquals(big, second.data());
        socket.close();
        closed.get(10, TimeUnit.SECONDS);
        done(echo.await(WAIT));
        assertTrue(failure(echo.websocket(secret, message -> { })).getMessage().length() > 0, "a used secret");
    }

    // ---- errors ----

    @Test
    void errorsForMissingThingsAndBadRequests() {
        CorralException missing = failure(client.instances().get("no-such-instance"));
        assertTrue(missing.isNotFound());
        assertEquals(404, missing.errorCode());
        assertEquals(CorralException.Kind.ERROR_RESPONSE, missing.kind());
        assertTrue(missing.getMessage().toLowerCase().contains("not found"), missing.getMessage());
        assertTrue(failure(client.instances().start("no-such-instance")).isNotFound());
        assertTrue(failure(client.instances().state("no-such-instance")).isNotFound());
        assertTrue(failure(client.instances().deleteAndWait("no-such-instance", WAIT)).isNotFound());

        CorralException badName = failure(client.instances().create(
                CreateInstance.fromImage("busybox").withName("bad_name!")));
        assertTrue(badName.isBadRequest(), badName::toString);
        CorralException badImage = failure(client.instances().createAndWait(
                CreateInstance.fromImage("no-such-alias").withName("sdk-bad-image"), WAIT));
        assertTrue(badImage.isNotFound() || badImage.isBadRequest()
                || badImage.kind() == CorralException.Kind.OPERATION_FAILED, badImage::toString);
        CorralException badAction = failure(client.instances().changeState("no-such-instance",
                new StateChange("dance", null, false, false)));
        assertEquals(CorralException.Kind.ERROR_RESPONSE, badAction.kind());
        CorralException badConfig = failure(client.profiles().create(new ProfilesPost("sdk-bad",
                Map.of("no.such.key", "1"), "", Map.of())));
        assertTrue(badConfig.isBadRequest(), badConfig::toString);

        JsonNode raw = done(client.raw().query("GET", "/1.0", null));
        assertEquals("1.0", raw.path("api_version").asText());
        assertTrue(failure(client.raw().query("GET", "/1.0/nope", null)).isNotFound());
    }

    @Test
    void aMissingDaemonIsAConnectionError(@TempDir Path dir) {
        try (Corral nobody = Corral.connectUnix(dir.resolve("unix.socket"))) {
            CorralException error = failure(nobody.server().get());
            assertEquals(CorralException.Kind.CONNECTION, error.kind());
        }
    }

    // ---- the example ----

    @Test
    void theExampleRuns() {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try {
            LifecycleExample.run(client, "sdk-example", new PrintStream(printed, true, StandardCharsets.UTF_8));
        } finally {
            remove("sdk-example");
        }
        String out = printed.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("sdk-example is Running"), out);
        assertTrue(out.contains("sdk-example is Stopped"), out);
        assertTrue(out.contains("sdk-example deleted"), out);
    }

    static void waitUntil(java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 10 s");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
