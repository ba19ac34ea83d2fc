package dev.corral.operations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corral.api.ApiException;
import dev.corral.api.Event;
import dev.corral.api.Operation;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OperationRegistryTest {

    private final ExecutorService workers = Executors.newCachedThreadPool();
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
    private final EventBus events = new EventBus();
    private final List<Event> seen = new CopyOnWriteArrayList<>();
    private final OperationRegistry registry = new OperationRegistry(workers, timers, events, Duration.ofMillis(200));

    {
        events.subscribe(new EventBus.Filter(Set.of(Event.OPERATION), null), seen::add);
    }

    @AfterEach
    void stop() {
        workers.shutdownNow();
        timers.shutdownNow();
    }

    @Test
    void successfulWorkEndsInSuccessAndIsAnnounced() throws Exception {
        Operation created = registry.submit(OperationSpec.task("Doing", ctx -> ctx.updateMetadata(Map.of("k", "v")))
                .resource("instances", "/1.0/instances/c1"));
        assertEquals("Running", created.status());
        assertEquals(103, created.statusCode());
        assertEquals("task", created.operationClass());

        Operation done = registry.whenFinished(created.id()).get(5, TimeUnit.SECONDS);
        assertEquals("Success", done.status());
        assertEquals(200, done.statusCode());
        assertEquals("v", done.metadata().get("k"));
        assertEquals(List.of("/1.0/instances/c1"), done.resources().get("instances"));
        List<Integer> codes = seen.stream().map(e -> ((Operation) e.metadata()).statusCode()).toList();
        assertEquals(List.of(105, 103, 103, 200), codes);
    }

    @Test
    void failingWorkKeepsTheMessage() throws Exception {
        Operation created = registry.submit(OperationSpec.task("Failing", ctx -> {
            throw new IllegalStateException("disk on fire");
        }));
        Operation done = registry.whenFinished(created.id()).get(5, TimeUnit.SECONDS);
        assertEquals("Failure", done.status());
        assertEquals(400, done.statusCode());
        assertEquals("disk on fire", done.err());
    }

    @Test
    void aTokenWaitsWithoutAThreadAndIsRedeemedOnce() throws Exception {
        Operation token = registry.submit(OperationSpec.token("Executing operation").metadata("secret", "s3"));
        assertEquals("token", token.operationClass());
        assertEquals("Running", registry.get(token.id()).status());

        Operation redeemed = registry.redeem(token.id());
        assertEquals("Running", redeemed.status());
        assertEquals("s3", redeemed.metadata().get("secret"));
        assertEquals(null, registry.redeem(token.id()), "a token is single-use");
        assertEquals("Cancelled", registry.whenFinished(token.id()).get(5, TimeUnit.SECONDS).status());
    }

    @Test
    void aCancelledTokenEndsAtOnceAndCannotBeRedeemed() throws Exception {
        Operation token = registry.submit(OperationSpec.token("Executing operation"));
        assertEquals("Cancelled", registry.cancel(token.id()).status());
        assertEquals(null, registry.redeem(token.id()));
        assertEquals(null, registry.redeem("no-such-id"));
        Operation task = registry.submit(OperationSpec.task("Doing", ctx -> { }));
        assertEquals(null, registry.redeem(task.id()), "only tokens can be redeemed");
    }

    @Test
    void cancellingInterruptsTheWork() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        Operation created = registry.submit(OperationSpec.task("Sleeping", ctx -> {
            started.countDown();
            Thread.sleep(60_000);
        }).cancellable());
        assertTrue(started.await(5, TimeUnit.SECONDS));
        assertEquals(104, registry.cancel(created.id()).statusCode());
        Operation done = registry.whenFinished(created.id()).get(5, TimeUnit.SECONDS);
        assertEquals("Cancelled", done.status());
        assertEquals(401, done.statusCode());
    }

    @Test
    void nonCancellableOperationsRefuse() {
        Operation created = registry.submit(OperationSpec.task("Sleeping", ctx -> Thread.sleep(60_000)));
        ApiException e = assertThrows(ApiException.class, () -> registry.cancel(created.id()));
        assertEquals(400, e.status());
    }

    @Test
    void unknownOperationsAreNotFound() {
        ApiException e = assertThrows(ApiException.class, () -> registry.get("nope"));
        assertEquals(404, e.status());
        assertEquals("Operation not found", e.getMessage());
    }

    @Test
    void finishedOperationsExpireAfterRetention() throws Exception {
        Operation created = registry.submit(OperationSpec.task("Quick", ctx -> { }));
        registry.whenFinished(created.id()).get(5, TimeUnit.SECONDS);
        assertEquals(created.id(), registry.get(created.id()).id());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!registry.list(null).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(registry.list(null).isEmpty());
    }

    @Test
    void listFiltersByProject() throws Exception {
        registry.submit(OperationSpec.task("A", ctx -> Thread.sleep(1000)).project("p1"));
        registry.submit(OperationSpec.task("B", ctx -> Thread.sleep(1000)).project("p2"));
        assertEquals(1, registry.list("p1").size());
        assertEquals(2, registry.list(null).size());
    }

    @Test
    void streamsConnectOnceWithTheRightSecret() throws Exception {
        Streams streams = new Streams("0", "control");
        CountDownLatch connected = new CountDownLatch(1);
        Operation created = registry.submit(OperationSpec.websocket("Echo", streams, ctx -> {
            streams.await("0", 5, TimeUnit.SECONDS);
            connected.countDown();
        }));
        @SuppressWarnings("unchecked")
        Map<String, String> fds = (Map<String, String>) created.metadata().get("fds");
        MessageChannel channel = new MessageChannel() {
            public void sendText(String message) { }
            public void sendBinary(byte[] data) { }
            public void close() { }
            public void listen(java.util.function.Consumer<String> t, java.util.function.Consumer<byte[]> b,
                    Runnable c) { }
        };
        assertFalse(registry.connect(created.id(), "wrong", channel));
        assertTrue(registry.connect(created.id(), fds.get("0"), channel));
        assertFalse(registry.connect(created.id(), fds.get("0"), channel));
        assertTrue(connected.await(5, TimeUnit.SECONDS));
    }
}
