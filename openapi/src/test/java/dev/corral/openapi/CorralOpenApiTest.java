package dev.corral.openapi;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.corral.openapi.Samples.OPERATION;
import static dev.corral.openapi.Samples.OPERATION_ID;
import static dev.corral.openapi.Samples.error;
import static dev.corral.openapi.Samples.resource;
import static dev.corral.openapi.Samples.sync;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CorralOpenApiTest {

    private static void assertValid(String method, String path, int status, String body) {
        List<String> problems = CorralOpenApi.validateResponse(method, path, status, body);
        assertEquals(List.of(), problems, method + " " + path + " -> " + status);
    }

    /** Fails unless some problem mentions {@code expected}, so a test cannot pass for the wrong reason. */
    private static void assertInvalid(String method, String path, int status, String body, String expected) {
        assertInvalid(CorralOpenApi.validateResponse(method, path, status, body), expected);
    }

    private static void assertInvalid(List<String> problems, String expected) {
        assertFalse(problems.isEmpty(), "expected a problem mentioning '" + expected + "'");
        assertTrue(problems.stream().anyMatch(p -> p.contains(expected)),
                "no problem mentions '" + expected + "': " + problems);
    }

    @Nested
    class RealIncusAnswersPass {

        @Test
        void apiRoot() {
            assertValid("GET", "/", 200, resource("root.json"));
        }

        @Test
        void serverInfo() {
            assertValid("GET", "/1.0", 200, sync(resource("server-info.json")));
        }

        @Test
        void serverPutAndPatch() {
            assertValid("PUT", "/1.0", 200, resource("empty-sync.json"));
            assertValid("PATCH", "/1.0", 200, resource("empty-sync.json"));
        }

        @Test
        void projects() {
            assertValid("GET", "/1.0/projects", 200, resource("projects.json"));
            assertValid("GET", "/1.0/projects?recursion=1", 200, resource("projects-recursion1.json"));
            assertValid("GET", "/1.0/projects/default", 200, resource("project-default.json"));
        }

        @Test
        void operationLists() {
            assertValid("GET", "/1.0/operations", 200, resource("operations-empty.json"));
            assertValid("GET", "/1.0/operations", 200,
                    sync("{\"running\":[\"/1.0/operations/" + OPERATION_ID + "\"]}"));
            assertValid("GET", "/1.0/operations?recursion=1", 200, sync("{\"running\":[" + OPERATION + "]}"));
        }

        @Test
        void operation() {
            assertValid("GET", "/1.0/operations/" + OPERATION_ID, 200, sync(OPERATION));
            assertValid("GET", "/1.0/operations/" + OPERATION_ID + "/wait?timeout=5", 200, sync(OPERATION));
            assertValid("DELETE", "/1.0/operations/" + OPERATION_ID, 200, resource("empty-sync.json"));
        }

        @Test
        void operationWithNullMetadataAndResources() {
            String finished = OPERATION.replace("\"metadata\":{\"addresses\":[\"10.0.0.1:8443\"],"
                            + "\"fingerprint\":\"abc\",\"secret\":\"s3cr3t\"}", "\"metadata\":null")
                    .replace("\"resources\":{}", "\"resources\":null")
                    .replace("\"Running\",\"status_code\":103", "\"Cancelled\",\"status_code\":401")
                    .replace("\"err\":\"\"", "\"err\":\"Operation canceled\"");
            assertTrue(finished.contains("\"metadata\":null"), finished);
            assertValid("GET", "/1.0/operations/" + OPERATION_ID, 200, sync(finished));
        }

        @Test
        void errors() {
            assertValid("GET", "/1.0/operations/nope", 404, resource("error-404.json"));
            assertValid("PUT", "/1.0", 400, resource("error-400.json"));
            for (int status : new int[] {400, 403, 404, 405, 409, 413, 500, 501}) {
                assertValid("GET", "/1.0/projects/default", status, error(status, "some error"));
            }
        }

        @Test
        void unknownPathAndMethodAnsweredWithErrors() {
            assertValid("GET", "/1.0/nope", 404, error(404, "not found"));
            assertValid("POST", "/1.0/operations", 501, error(501, "not implemented"));
            assertValid("POST", "/1.0/projects", 405, error(405, "method not allowed"));
        }

        @Test
        void metadataCapturedFromIncusDebug() {
            // incus --debug prints the URL and the metadata only ("Got response struct from Incus").
            String metadata = "\n\t[\n\t\t{\n\t\t\t\"config\": {\n\t\t\t\t\"features.images\": \"true\"\n\t\t\t},"
                    + "\n\t\t\t\"description\": \"Default Incus project\",\n\t\t\t\"name\": \"default\","
                    + "\n\t\t\t\"used_by\": [\n\t\t\t\t\"/1.0/profiles/default\"\n\t\t\t]\n\t\t}\n\t]";
            assertEquals(List.of(), CorralOpenApi.validateSyncMetadata("GET",
                    "http://unix.socket/1.0/projects?recursion=1", metadata));
            assertInvalid(CorralOpenApi.validateSyncMetadata("GET", "http://unix.socket/1.0/projects/default",
                    "{\"name\":\"default\"}"), "used_by");
        }

        @Test
        void websocketEndpoints() {
            assertEquals(List.of(), CorralOpenApi.validateResponse("GET", "/1.0/events?type=lifecycle", 101,
                    Map.of("Upgrade", "websocket", "Connection", "Upgrade"), null));
            assertEquals(List.of(), CorralOpenApi.validateResponse("GET",
                    "/1.0/operations/" + OPERATION_ID + "/websocket?secret=abc", 101,
                    Map.of("Upgrade", "websocket"), ""));
            // A plain GET without upgrade headers: Incus answers text/plain, Corral may answer a JSON error.
            assertEquals(List.of(), CorralOpenApi.validateResponse("GET", "/1.0/events", 400,
                    Map.of("Content-Type", "text/plain; charset=utf-8"), "Bad Request\n"));
            assertValid("GET", "/1.0/events", 400, error(400, "websocket upgrade required"));
        }
    }

    @Nested
    class BrokenAnswersFail {

        @Test
        void missingType() {
            assertInvalid("GET", "/", 200, resource("root.json").replace("\"type\":\"sync\",", ""), "type");
        }

        @Test
        void statusCodeOfWrongType() {
            assertInvalid("GET", "/", 200,
                    resource("root.json").replace("\"status_code\":200", "\"status_code\":\"200\""), "status_code");
        }

        @Test
        void unknownEnvelopeType() {
            assertInvalid("GET", "/", 200, resource("root.json").replace("\"sync\"", "\"success\""), "type");
        }

        @Test
        void extraEnvelopeField() {
            assertInvalid("GET", "/", 200,
                    resource("root.json").replace("\"status_code\":200", "\"status_code\":200,\"statusCode\":200"),
                    "statusCode");
        }

        @Test
        void operationWithoutId() {
            String noId = OPERATION.replace("\"id\":\"" + OPERATION_ID + "\",", "");
            assertInvalid("GET", "/1.0/operations/" + OPERATION_ID, 200, sync(noId), "id");
            assertInvalid("GET", "/1.0/operations?recursion=1", 200, sync("{\"running\":[" + noId + "]}"), "id");
        }

        @Test
        void operationWithBadTimestampAndClass() {
            assertInvalid("GET", "/1.0/operations/" + OPERATION_ID, 200,
                    sync(OPERATION.replace("\"created_at\":\"2026-11-23T17:54:46.206263941Z\"",
                            "\"created_at\":\"yesterday\"")), "created_at");
            assertInvalid("GET", "/1.0/operations/" + OPERATION_ID, 200,
                    sync(OPERATION.replace("\"class\":\"token\"", "\"class\":\"TOKEN\"")), "class");
        }

        @Test
        void operationListsKeyedByUnknownStatus() {
            assertInvalid("GET", "/1.0/operations", 200,
                    sync("{\"Running\":[\"/1.0/operations/" + OPERATION_ID + "\"]}"), "Running");
        }

        @Test
        void serverWithoutEnvironment() {
            String server = resource("server-info.json");
            String noEnvironment = server.substring(0, server.indexOf("\"environment\"")) + "\"public\": false}";
            assertInvalid("GET", "/1.0", 200, sync(noEnvironment), "environment");
        }

        @Test
        void projectWithoutUsedBy() {
            assertInvalid("GET", "/1.0/projects/default", 200,
                    resource("project-default.json").replace(",\"used_by\":[\"/1.0/profiles/default\"]", ""),
                    "used_by");
        }

        @Test
        void undocumentedPath() {
            assertInvalid("GET", "/1.0/networks", 200, sync("[]"), "validation.request.path.missing");
        }

        @Test
        void undocumentedMethodAnsweredWithSuccess() {
            assertInvalid("POST", "/1.0/projects", 200, resource("empty-sync.json"),
                    "validation.request.operation.notAllowed");
        }

        @Test
        void wrongStatusCode() {
            assertInvalid("GET", "/1.0", 201, sync(resource("server-info.json")), "validation.response.status.unknown");
            assertInvalid("GET", "/1.0/projects", 418, error(418, "teapot"), "validation.response.status.unknown");
        }

        @Test
        void successEnvelopeUnderErrorStatus() {
            assertInvalid("GET", "/1.0/projects/default", 404, resource("project-default.json"), "type");
        }

        @Test
        void errorCodeNotRepeatingHttpStatus() {
            assertInvalid("GET", "/1.0/projects/default", 404, error(500, "not found"), "error_code 500");
        }

        @Test
        void malformedErrorForUnknownPath() {
            assertInvalid("GET", "/1.0/nope", 404, "{\"error\":\"not found\"}", "error_code");
        }

        @Test
        void nonJsonAnswer() {
            assertInvalid(CorralOpenApi.validateResponse("GET", "/1.0", 200,
                    Map.of("Content-Type", "text/plain"), sync(resource("server-info.json"))), "Content-Type");
            assertInvalid(CorralOpenApi.validateResponse("GET", "/1.0", 200, Map.of(),
                    sync(resource("server-info.json"))), "Content-Type");
            assertInvalid("GET", "/1.0", 200, "{\"type\":", "Unable to parse JSON");
        }

        @Test
        void websocketSuccessWithBody() {
            assertInvalid(CorralOpenApi.validateResponse("GET", "/1.0/events", 101,
                    Map.of("Upgrade", "websocket", "Content-Type", "application/json"), sync("{}")), "body");
        }
    }
}
