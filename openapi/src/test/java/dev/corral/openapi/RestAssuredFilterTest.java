package dev.corral.openapi;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static dev.corral.openapi.Samples.async;
import static dev.corral.openapi.Samples.error;
import static dev.corral.openapi.Samples.resource;
import static dev.corral.openapi.Samples.sync;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The filter against a loopback HTTP server that plays canned answers, some right and some wrong. */
class RestAssuredFilterTest {

    private record Canned(int status, String contentType, String body, Map<String, String> headers) {
        Canned(int status, String contentType, String body) {
            this(status, contentType, body, Map.of());
        }
    }

    private static final Map<String, Canned> ANSWERS = Map.of(
            "GET /", new Canned(200, "application/json", resource("root.json")),
            "PUT /1.0", new Canned(400, "application/json", resource("error-400.json")),
            "GET /1.0/nope", new Canned(404, "application/json", error(404, "not found")),
            "GET /1.0/projects/default", new Canned(200, "application/json",
                    resource("project-default.json").replace(",\"used_by\":[\"/1.0/profiles/default\"]", "")),
            "GET /1.0/networks", new Canned(200, "application/json", sync("[]")),
            "GET /1.0/profiles/default", new Canned(200, "application/json", sync(Samples.PROFILE),
                    Map.of("ETag", Samples.PROFILE_ETAG)),
            "POST /1.0/instances", new Canned(202, "application/json",
                    async(Samples.INSTANCE_OPERATION_URL, Samples.INSTANCE_OPERATION),
                    Map.of("Location", Samples.INSTANCE_OPERATION_URL)),
            "PUT /1.0/instances/c1/state", new Canned(202, "application/json",
                    async(Samples.INSTANCE_OPERATION_URL, Samples.INSTANCE_OPERATION)));

    private static HttpServer server;

    @BeforeAll
    static void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", RestAssuredFilterTest::answer);
        server.start();
    }

    @AfterAll
    static void stop() {
        server.stop(0);
    }

    private static void answer(HttpExchange exchange) throws IOException {
        try (exchange; InputStream in = exchange.getRequestBody()) {
            in.readAllBytes();
            Canned canned = ANSWERS.getOrDefault(
                    exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath(),
                    new Canned(500, "application/json", error(500, "no canned answer")));
            byte[] body = canned.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", canned.contentType());
            canned.headers().forEach(exchange.getResponseHeaders()::set);
            exchange.sendResponseHeaders(canned.status(), body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static RequestSpecification corral() {
        return given()
                .baseUri("http://" + server.getAddress().getHostString())
                .port(server.getAddress().getPort())
                .filter(CorralOpenApi.restAssuredFilter());
    }

    @Test
    void validAnswerPassesAndStaysReadable() {
        corral().get("/").then().statusCode(200).body("metadata[0]", equalTo("/1.0"));
    }

    @Test
    void malformedRequestWithValidErrorAnswerPasses() {
        corral().contentType("application/json").body("{bad").put("/1.0")
                .then().statusCode(400).body("error_code", equalTo(400));
    }

    @Test
    void unknownPathAnsweredWithErrorEnvelopePasses() {
        corral().get("/1.0/nope").then().statusCode(404);
    }

    @Test
    void answerMissingARequiredFieldFailsWithTheReport() {
        AssertionError failure = assertThrows(AssertionError.class, () -> corral().get("/1.0/projects/default"));
        assertTrue(failure.getMessage().contains("GET /1.0/projects/default -> 200"), failure.getMessage());
        assertTrue(failure.getMessage().contains("used_by"), failure.getMessage());
    }

    @Test
    void undocumentedPathFails() {
        AssertionError failure = assertThrows(AssertionError.class,
                () -> corral().queryParam("recursion", 1).get("/1.0/networks"));
        assertTrue(failure.getMessage().contains("validation.request.path.missing"), failure.getMessage());
    }

    @Test
    void answersWithTheirHeadersPass() {
        corral().get("/1.0/profiles/default").then().statusCode(200).header("ETag", Samples.PROFILE_ETAG);
        corral().contentType("application/json").body("{\"name\":\"c1\",\"source\":{\"type\":\"none\"}}")
                .post("/1.0/instances").then().statusCode(202)
                .header("Location", Samples.INSTANCE_OPERATION_URL);
    }

    @Test
    void asyncAnswerWithoutLocationFails() {
        AssertionError failure = assertThrows(AssertionError.class, () -> corral().contentType("application/json")
                .body("{\"action\":\"start\"}").put("/1.0/instances/c1/state"));
        assertTrue(failure.getMessage().contains("PUT /1.0/instances/c1/state -> 202"), failure.getMessage());
        assertTrue(failure.getMessage().contains("Location"), failure.getMessage());
    }
}
