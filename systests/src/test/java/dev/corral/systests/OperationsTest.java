package dev.corral.systests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;

import dev.corral.openapi.CorralOpenApi;
import io.restassured.response.Response;

/** {@code /1.0/operations}: listing, waiting, cancelling, failing. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OperationsTest {

    @RegisterExtension
    static final Corrald corrald = Corrald.create().withTestHooks();

    /** Every field of an operation object, as the real Incus sends it. */
    static final Set<String> OPERATION_FIELDS = Set.of("id", "class", "description", "created_at", "updated_at",
            "status", "status_code", "resources", "metadata", "may_cancel", "err", "location");

    @Test
    @Order(1)
    void noOperationsIsAnEmptyObject() throws InterruptedException {
        // Runs first, on a fresh corrald. A shared daemon (the real Incus) lists finished operations for about
        // 5 s more, so there it may take a moment to become empty.
        long deadline = System.nanoTime() + Duration.ofSeconds(corrald.isExternal() ? 15 : 0).toNanos();
        JsonNode list;
        do {
            list = Envelopes.sync(Api.given(corrald).get("/1.0/operations"));
        } while (list.size() > 0 && System.nanoTime() < deadline && sleep(500));
        assertTrue(list.isObject() && list.isEmpty(), "no operations: " + list);
        JsonNode recursive = Envelopes.sync(Api.given(corrald).get("/1.0/operations?recursion=1"));
        assertTrue(recursive.isObject() && recursive.isEmpty(), "no operations: " + recursive);
    }

    @Test
    void missingOperationIs404() {
        String path = "/1.0/operations/" + UUID.randomUUID();
        assertEquals("Operation not found", Envelopes.error(Api.given(corrald).get(path), 404));
        assertEquals("Operation not found", Envelopes.error(Api.given(corrald).get(path + "/wait?timeout=1"), 404));
        assertEquals("Operation not found", Envelopes.error(Api.given(corrald).delete(path), 404));
    }

    @Test
    void asyncAnswerCarriesTheOperation() {
        JsonNode op = corrald.isExternal() ? TestOperations.failing(corrald)
                : TestOperations.start(corrald, 10_000, true, false);
        try {
            assertOperationShape(op);
            assertTrue(Set.of(103, 105).contains(op.get("status_code").asInt()), "Running or Pending: " + op);
            assertEquals("task", op.get("class").asText());
            assertEquals("", op.get("err").asText());
            assertFalse(OffsetDateTime.parse(op.get("updated_at").asText())
                    .isBefore(OffsetDateTime.parse(op.get("created_at").asText())),
                    "updated_at not before created_at: " + op);
        } finally {
            TestOperations.cancelQuietly(corrald, op);
        }
    }

    @Test
    void runningOperationIsListedUnderRunning() {
        JsonNode op = TestOperations.start(corrald, 10_000, true, false);
        String id = op.get("id").asText();
        try {
            JsonNode urls = Envelopes.sync(Api.given(corrald).get("/1.0/operations"));
            assertTrue(Json.strings(urls.path("running")).contains("/1.0/operations/" + id), "running: " + urls);
            JsonNode objects = Envelopes.sync(Api.given(corrald).get("/1.0/operations?recursion=1"));
            boolean found = false;
            for (JsonNode o : objects.path("running")) {
                if (id.equals(o.path("id").asText())) {
                    assertOperationShape(o);
                    assertEquals("Running", o.get("status").asText());
                    assertEquals(103, o.get("status_code").asInt());
                    found = true;
                }
            }
            assertTrue(found, "operation object under running: " + objects);
            JsonNode one = Envelopes.sync(Api.given(corrald).get("/1.0/operations/" + id));
            assertOperationShape(one);
            assertEquals(id, one.get("id").asText());
        } finally {
            TestOperations.cancelQuietly(corrald, op);
        }
    }

    @Test
    void waitReturnsTheFinishedOperation() {
        JsonNode op = TestOperations.succeeding(corrald, 300);
        String path = "/1.0/operations/" + op.get("id").asText();
        JsonNode done = Envelopes.sync(Api.given(corrald).get(path + "/wait?timeout=5"));
        assertOperationShape(done);
        assertEquals("Success", done.get("status").asText());
        assertEquals(200, done.get("status_code").asInt());
        assertEquals("", done.get("err").asText());
        // finished operations stay readable for a while (Incus: ~5 s), and waiting on one answers at once
        assertEquals("Success", Envelopes.sync(Api.given(corrald).get(path)).get("status").asText());
        assertEquals("Success", Envelopes.sync(Api.given(corrald).get(path + "/wait")).get("status").asText());
        assertEquals("Success", Envelopes.sync(Api.given(corrald).get(path + "/wait?timeout=-1"))
                .get("status").asText());
    }

    @Test
    void waitTimeoutReturnsTheStillRunningOperation() {
        JsonNode op = TestOperations.start(corrald, 10_000, true, false);
        try {
            Response r = Api.given(corrald).get("/1.0/operations/" + op.get("id").asText() + "/wait?timeout=1");
            JsonNode current = Envelopes.sync(r);
            assertEquals("Running", current.get("status").asText(), "the wait ended before the operation");
            assertEquals(103, current.get("status_code").asInt());
        } finally {
            TestOperations.cancelQuietly(corrald, op);
        }
    }

    @Test
    void cancellingACancellableOperation() {
        JsonNode op = TestOperations.start(corrald, 30_000, true, false);
        String path = "/1.0/operations/" + op.get("id").asText();
        Envelopes.sync(Api.given(corrald).delete(path));
        JsonNode done = Envelopes.sync(Api.given(corrald).get(path + "/wait?timeout=10"));
        assertEquals("Cancelled", done.get("status").asText());
        assertEquals(401, done.get("status_code").asInt());
        assertEquals("Cancelled", Envelopes.sync(Api.given(corrald).get(path)).get("status").asText());
        // cancelling it again: Incus says "Only running operations can be cancelled" (400)
        String again = Envelopes.error(Api.given(corrald).delete(path), 400);
        assertTrue(again.contains("Only running operations can be cancelled"), again);
    }

    @Test
    void cancellingANonCancellableOperationIsRefused() {
        JsonNode op = TestOperations.start(corrald, 1_500, false, false);
        String path = "/1.0/operations/" + op.get("id").asText();
        Response r = Api.given(corrald).delete(path);
        // Incus: 400 "This operation can't be cancelled"
        assertTrue(r.statusCode() >= 400 && r.statusCode() < 500, "4xx: " + r.asString());
        Envelopes.error(r, r.statusCode());
        JsonNode done = Envelopes.sync(Api.given(corrald).get(path + "/wait?timeout=10"));
        assertEquals("Success", done.get("status").asText(), "it ran to its end");
    }

    @Test
    void failingOperation() {
        JsonNode op = TestOperations.failing(corrald);
        String path = "/1.0/operations/" + op.get("id").asText();
        // The real Incus 6.0.4 answers a wait on a failed operation with HTTP 200 and an *error* envelope carrying
        // the operation's error (error_code from the error's kind); Corral answers the failed operation itself,
        // as its OpenAPI document says. Both tell the client the error text.
        Response waited = (corrald.isExternal() ? Api.unchecked(corrald) : Api.given(corrald))
                .get(path + "/wait?timeout=10");
        JsonNode failed = Envelopes.sync(Api.given(corrald).get(path));
        assertEquals("Failure", failed.get("status").asText());
        assertEquals(400, failed.get("status_code").asInt());
        String err = failed.get("err").asText();
        assertFalse(err.isBlank(), "err says why: " + failed);
        Envelopes.assertNoStackTrace(err);
        if (corrald.isExternal()) {
            assertEquals(200, waited.statusCode(), waited.asString());
            assertEquals(err, Envelopes.errorBody(waited.asString()).get("error").asText());
        } else {
            JsonNode w = Envelopes.sync(waited);
            assertEquals("Failure", w.get("status").asText());
            assertEquals(400, w.get("status_code").asInt());
            assertEquals(err, w.get("err").asText());
        }
    }

    @Test
    void manyConcurrentWaitsAllReturn() throws Exception {
        JsonNode op = TestOperations.succeeding(corrald, 4_000);
        String path = "/1.0/operations/" + op.get("id").asText();
        int waiters = 200;
        ExecutorService pool = Executors.newFixedThreadPool(waiters);
        try {
            List<Future<UnixHttp.Response>> waits = new ArrayList<>();
            for (int i = 0; i < waiters; i++) {
                waits.add(pool.submit(() -> UnixHttp.get(corrald.socket(), path + "/wait?timeout=60")));
            }
            Thread.sleep(1_000);
            // with 200 waits pending the daemon still answers, and the operation is still running: the waits
            // hold neither the event loop nor the workers the operation needs
            JsonNode meanwhile = Envelopes.sync(Api.given(corrald).get(path));
            assertEquals("Running", meanwhile.get("status").asText(), "answered while the waits were pending");
            Envelopes.sync(Api.given(corrald).get("/1.0"));
            for (Future<UnixHttp.Response> f : waits) {
                UnixHttp.Response r = f.get(60, TimeUnit.SECONDS);
                JsonNode done = Envelopes.sync(r.status(), r.body());
                assertEquals("Success", done.get("status").asText());
            }
            UnixHttp.Response sample = waits.get(0).get();
            assertEquals(List.of(), CorralOpenApi.validateResponse("GET", path + "/wait", sample.status(),
                    sample.body()));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void incusCliListsAndShowsTheOperation() throws Exception {
        JsonNode op = corrald.isExternal() ? TestOperations.failing(corrald)
                : TestOperations.start(corrald, 30_000, true, false);
        String id = op.get("id").asText();
        try (IncusCli incus = IncusCli.incus(corrald)) {
            IncusCli.Result list = incus.run("operation", "list", "--format=csv").assertSuccess();
            assertTrue(list.stdout().contains(id), "listed: " + list);
            IncusCli.Result show = incus.run("operation", "show", id).assertSuccess();
            assertTrue(show.stdout().contains("id: " + id), "shown: " + show);
            assertTrue(show.stdout().contains(corrald.isExternal() ? "status: Failure" : "status: Running"),
                    "status shown: " + show);
            if (!corrald.isExternal()) {
                incus.run("operation", "delete", id).assertSuccess();
                JsonNode done = Envelopes.sync(Api.given(corrald).get("/1.0/operations/" + id + "/wait?timeout=10"));
                assertEquals("Cancelled", done.get("status").asText(), "incus operation delete cancels it");
            }
        } finally {
            TestOperations.cancelQuietly(corrald, op);
        }
    }

    static void assertOperationShape(JsonNode op) {
        assertEquals(OPERATION_FIELDS, Json.fieldNames(op), () -> "operation fields: " + op);
        assertTrue(op.get("id").isTextual() && UUID.fromString(op.get("id").asText()) != null, "uuid id");
        OffsetDateTime.parse(op.get("created_at").asText());
        OffsetDateTime.parse(op.get("updated_at").asText());
        assertTrue(op.get("status").isTextual(), "status");
        assertTrue(op.get("status_code").isInt(), "status_code");
        assertTrue(op.get("may_cancel").isBoolean(), "may_cancel");
        assertTrue(op.get("err").isTextual(), "err");
        assertTrue(op.get("resources").isObject() || op.get("resources").isNull(), "resources");
        assertEquals("none", op.get("location").asText(), "location of a standalone server");
    }

    private static boolean sleep(long ms) throws InterruptedException {
        Thread.sleep(ms);
        return true;
    }
}
