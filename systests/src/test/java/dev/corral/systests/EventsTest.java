package dev.corral.systests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;

/** {@code /1.0/events}: the websocket event stream and its type filter. */
class EventsTest {

    @RegisterExtension
    static final Corrald corrald = Corrald.create().withTestHooks();

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final String key = "user.systest-" + UUID.randomUUID().toString().substring(0, 8);

    @AfterEach
    void removeOurKey() {
        Api.given(corrald).body(patch(key, "")).patch("/1.0");
    }

    @Test
    void configPatchSendsALifecycleEvent() throws Exception {
        try (Events events = Events.connect(corrald, "type=lifecycle")) {
            Envelopes.sync(Api.given(corrald).body(patch(key, "1")).patch("/1.0"));
            JsonNode e = events.await(m -> "config-updated".equals(m.at("/metadata/action").asText()), WAIT);
            assertEquals("lifecycle", e.get("type").asText());
            assertEquals("/1.0", e.at("/metadata/source").asText());
            assertTrue(Set.of("default", "").contains(e.path("project").asText()), "project: " + e);
            assertEquals("none", e.get("location").asText(), "location: " + e);
            OffsetDateTime.parse(e.get("timestamp").asText());
            assertTrue(Json.fieldNames(e).containsAll(Set.of("type", "timestamp", "metadata", "location")),
                    "event fields: " + e);
            assertTrue(events.problems().isEmpty(), "stream problems: " + events.problems());
        }
    }

    @Test
    void operationEventsFollowAnOperation() throws Exception {
        try (Events events = Events.connect(corrald, "type=operation")) {
            JsonNode op = corrald.isExternal() ? TestOperations.failing(corrald)
                    : TestOperations.succeeding(corrald, 200);
            String id = op.get("id").asText();
            int finalCode = corrald.isExternal() ? 400 : 200;
            // Incus sends Pending (105), Running (103), then the final state; delivery order is not guaranteed
            JsonNode created = events.await(m -> id.equals(m.at("/metadata/id").asText())
                    && Set.of(103, 105).contains(m.at("/metadata/status_code").asInt()), WAIT);
            JsonNode finished = events.await(m -> id.equals(m.at("/metadata/id").asText())
                    && m.at("/metadata/status_code").asInt() == finalCode, WAIT);
            for (JsonNode e : new JsonNode[] {created, finished}) {
                assertEquals("operation", e.get("type").asText());
                OperationsTest.assertOperationShape(e.get("metadata"));
                OffsetDateTime.parse(e.get("timestamp").asText());
            }
            assertEquals(corrald.isExternal() ? "Failure" : "Success", finished.at("/metadata/status").asText());
            events.received().forEach(e -> assertEquals("operation", e.get("type").asText(), "only operations"));
        }
    }

    @Test
    void typeFilterExcludesOtherTypes() throws Exception {
        try (Events operations = Events.connect(corrald, "type=operation");
                Events lifecycle = Events.connect(corrald, "type=lifecycle")) {
            Envelopes.sync(Api.given(corrald).body(patch(key, "2")).patch("/1.0"));
            lifecycle.await(m -> "config-updated".equals(m.at("/metadata/action").asText()), WAIT);
            Thread.sleep(1_000); // the same event had time to reach the other stream too, were it subscribed
            operations.received().forEach(e -> assertEquals("operation", e.get("type").asText(),
                    "a type=operation stream got " + e));
            lifecycle.received().forEach(e -> assertEquals("lifecycle", e.get("type").asText(),
                    "a type=lifecycle stream got " + e));
        }
    }

    @Test
    void severalTypesInOneStream() throws Exception {
        try (Events events = Events.connect(corrald, "type=operation,lifecycle")) {
            Envelopes.sync(Api.given(corrald).body(patch(key, "3")).patch("/1.0"));
            events.await(m -> "config-updated".equals(m.at("/metadata/action").asText()), WAIT);
            JsonNode op = TestOperations.failing(corrald);
            events.await(m -> op.get("id").asText().equals(m.at("/metadata/id").asText()), WAIT);
        }
    }

    @Test
    void unknownTypeIsRefusedBeforeTheUpgrade() {
        WebSocket.HandshakeException e = assertThrows(WebSocket.HandshakeException.class,
                () -> Events.connect(corrald, "type=bogus").close());
        String error = Envelopes.error(e.response().status(), e.response().body(), 400);
        // Incus: "bogus" isn't a supported event type
        assertTrue(error.contains("bogus"), error);
    }

    @Test
    void plainGetWithoutUpgradeIs400() {
        assertEquals(400, Api.given(corrald).get("/1.0/events").statusCode());
    }

    private static String patch(String key, String value) {
        return Json.write(Json.object().set("config", Json.object().put(key, value)));
    }
}
