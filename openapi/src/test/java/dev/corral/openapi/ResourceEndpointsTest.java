package dev.corral.openapi;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.corral.openapi.Samples.ALIAS;
import static dev.corral.openapi.Samples.FINGERPRINT;
import static dev.corral.openapi.Samples.IMAGE;
import static dev.corral.openapi.Samples.INSTANCE;
import static dev.corral.openapi.Samples.INSTANCE_OPERATION;
import static dev.corral.openapi.Samples.INSTANCE_OPERATION_URL;
import static dev.corral.openapi.Samples.OPERATION_ID;
import static dev.corral.openapi.Samples.PROFILE;
import static dev.corral.openapi.Samples.PROFILE_ETAG;
import static dev.corral.openapi.Samples.STATE_RUNNING;
import static dev.corral.openapi.Samples.STATE_STOPPED;
import static dev.corral.openapi.Samples.STORAGE_POOL;
import static dev.corral.openapi.Samples.async;
import static dev.corral.openapi.Samples.error;
import static dev.corral.openapi.Samples.resource;
import static dev.corral.openapi.Samples.sync;
import static dev.corral.openapi.Samples.withState;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Profiles, storage pools, images, image aliases, instances (and /1.0/containers) against the document. */
class ResourceEndpointsTest {

    private static final String ETAG = "\"0c1f5b1e6a2d4c8b9e7f3a5d1c2b4e6f8a0c1e3d5f7b9a2c4e6d8f0a1b3c5d7e\"";
    private static final Map<String, String> JSON = Map.of("Content-Type", "application/json");
    private static final Map<String, String> JSON_WITH_ETAG = Map.of("Content-Type", "application/json",
            "ETag", ETAG);
    private static final Map<String, String> ASYNC_HEADERS = Map.of("Content-Type", "application/json",
            "Location", INSTANCE_OPERATION_URL);
    private static final String EMPTY = resource("empty-sync.json");

    private static void assertValid(String method, String path, int status, Map<String, String> headers,
                                    String body) {
        assertEquals(List.of(), CorralOpenApi.validateResponse(method, path, status, headers, body),
                method + " " + path + " -> " + status);
    }

    private static void assertValid(String method, String path, int status, String body) {
        assertValid(method, path, status, JSON, body);
    }

    /** A 201 as Incus answers a new or renamed profile or alias: Location header, metadata null. */
    private static void assertValidCreated(String method, String path, String location) {
        assertValid(method, path, 201, Map.of("Content-Type", "application/json", "Location", location),
                "{\"type\":\"sync\",\"status\":\"Success\",\"status_code\":200,\"operation\":\"\","
                        + "\"error_code\":0,\"error\":\"\",\"metadata\":null}");
    }

    private static void assertValidAsync(String method, String path) {
        assertValid(method, path, 202, ASYNC_HEADERS, async(INSTANCE_OPERATION_URL, INSTANCE_OPERATION));
    }

    /** Fails unless some problem mentions {@code expected}, so a test cannot pass for the wrong reason. */
    private static void assertInvalid(String method, String path, int status, Map<String, String> headers,
                                      String body, String expected) {
        List<String> problems = CorralOpenApi.validateResponse(method, path, status, headers, body);
        assertFalse(problems.isEmpty(), "expected a problem mentioning '" + expected + "'");
        assertTrue(problems.stream().anyMatch(p -> p.contains(expected)),
                "no problem mentions '" + expected + "': " + problems);
    }

    private static void assertInvalid(String method, String path, int status, String body, String expected) {
        assertInvalid(method, path, status, JSON, body, expected);
    }

    @Nested
    class Profiles {

        @Test
        void realIncusAnswers() {
            assertValid("GET", "/1.0/profiles", 200, resource("profiles.json"));
            assertValid("GET", "/1.0/profiles?recursion=1", 200, resource("profiles-recursion1.json"));
            // Incus spells the header "Etag".
            assertValid("GET", "/1.0/profiles/default", 200,
                    Map.of("Content-Type", "application/json", "Etag", PROFILE_ETAG), resource("profile-default.json"));
        }

        @Test
        void corralAnswers() {
            assertValid("GET", "/1.0/profiles?project=default", 200,
                    sync("[\"/1.0/profiles/default\",\"/1.0/profiles/big\"]"));
            assertValid("GET", "/1.0/profiles?recursion=1", 200, sync("[" + PROFILE + "]"));
            assertValid("GET", "/1.0/profiles/default", 200, JSON_WITH_ETAG, sync(PROFILE));
            assertValidCreated("POST", "/1.0/profiles", "/1.0/profiles/big");
            assertValidCreated("POST", "/1.0/profiles/big", "/1.0/profiles/bigger");
            assertInvalid("POST", "/1.0/profiles", 200, JSON, EMPTY, "validation.response.status.unknown");
            for (String method : List.of("PUT", "PATCH", "DELETE")) {
                assertValid(method, "/1.0/profiles/big", 200, EMPTY);
            }
        }

        @Test
        void metadataCapturedFromIncusDebugHasNoHeaders() {
            // incus --debug shows no headers, so the ETag the document requires is not missed there...
            assertEquals(List.of(), CorralOpenApi.validateSyncMetadata("GET",
                    "http://unix.socket/1.0/profiles/default", PROFILE));
            assertEquals(List.of(), CorralOpenApi.validateSyncMetadata("GET",
                    "http://unix.socket/1.0/instances/c1?recursion=1", withState(INSTANCE, STATE_RUNNING)));
            // ...but the body still counts.
            List<String> problems = CorralOpenApi.validateSyncMetadata("GET", "http://unix.socket/1.0/profiles/default",
                    PROFILE.replace("\"used_by\":[\"/1.0/instances/c1\"],", ""));
            assertTrue(problems.stream().anyMatch(p -> p.contains("used_by")), problems.toString());
        }

        @Test
        void errors() {
            assertValid("GET", "/1.0/profiles/nope", 404, error(404, "Profile not found"));
            assertValid("PUT", "/1.0/profiles/default", 412, error(412, "ETag doesn't match"));
            assertValid("DELETE", "/1.0/profiles/default", 403,
                    error(403, "The \\\"default\\\" profile cannot be deleted"));
            assertValid("POST", "/1.0/profiles", 409, error(409, "Profile \\\"big\\\" already exists"));
        }
    }

    @Nested
    class StoragePools {

        @Test
        void realIncusAnswers() {
            // Incus answers null, not [], when it has no pool.
            assertValid("GET", "/1.0/storage-pools?recursion=1", 200, resource("storage-pools-none.json"));
            assertValid("GET", "/1.0/storage-pools", 200, sync("null"));
            assertValid("GET", "/1.0/storage-pools/default", 404, error(404, "Storage pool not found"));
        }

        @Test
        void corralAnswers() {
            assertValid("GET", "/1.0/storage-pools", 200, sync("[\"/1.0/storage-pools/default\"]"));
            assertValid("GET", "/1.0/storage-pools?recursion=1", 200, sync("[" + STORAGE_POOL + "]"));
            assertValid("GET", "/1.0/storage-pools/default", 200, JSON_WITH_ETAG, sync(STORAGE_POOL));
        }
    }

    @Nested
    class Images {

        @Test
        void corralAnswers() {
            assertValid("GET", "/1.0/images", 200, sync("[\"/1.0/images/" + FINGERPRINT + "\"]"));
            assertValid("GET", "/1.0/images?recursion=1&filter=type+eq+container", 200, sync("[" + IMAGE + "]"));
            assertValid("GET", "/1.0/images/" + FINGERPRINT, 200, JSON_WITH_ETAG, sync(IMAGE));
            assertValid("GET", "/1.0/images/06b86454", 200, JSON_WITH_ETAG, sync(IMAGE));
            assertValid("PUT", "/1.0/images/" + FINGERPRINT, 200, EMPTY);
            assertValid("PATCH", "/1.0/images/" + FINGERPRINT, 200, EMPTY);
            assertValidAsync("POST", "/1.0/images");
            assertValidAsync("DELETE", "/1.0/images/" + FINGERPRINT);
            assertValid("GET", "/1.0/images", 200, sync("[]"));
        }

        @Test
        void imageWithUpdateSourceAsIncusSendsForCachedImages() {
            String cached = IMAGE.replace("\"cached\":false", "\"cached\":true").replace("\"project\":\"default\"}",
                    "\"project\":\"default\",\"update_source\":{\"alias\":\"alpine/3.20\",\"certificate\":\"\","
                            + "\"protocol\":\"simplestreams\",\"server\":\"https://images.linuxcontainers.org\","
                            + "\"image_type\":\"container\"}}");
            assertTrue(cached.contains("update_source"), cached);
            assertValid("GET", "/1.0/images/" + FINGERPRINT, 200, JSON_WITH_ETAG, sync(cached));
        }

        @Test
        void uploadProgressAsIncusReportsIt() {
            String running = INSTANCE_OPERATION.replace("\"metadata\":null", "\"metadata\":{\"progress\":"
                    + "{\"stage\":\"create_image_from_upload\",\"percent\":\"42\",\"speed\":\"0\"},"
                    + "\"create_image_from_upload_progress\":\"Importing: 42%\"}");
            assertTrue(running.contains("progress"), running);
            assertValid("GET", "/1.0/operations/" + OPERATION_ID, 200, sync(running));
        }

        @Test
        void exportIsBinaryAndNotValidated() {
            assertValid("GET", "/1.0/images/" + FINGERPRINT + "/export", 200,
                    Map.of("Content-Type", "application/octet-stream",
                            "Content-Disposition", "attachment; filename=alpine-3.20.tar.xz"),
                    "\u00fd7zXZ\u0000\u0000\u0004\u00e6\u00d6\u00b4F");
            String multipart = "--b0undary\r\nContent-Disposition: form-data; name=\"metadata\"; "
                    + "filename=\"meta.tar.xz\"\r\nContent-Type: application/octet-stream\r\n\r\nMETA\r\n"
                    + "--b0undary\r\nContent-Disposition: form-data; name=\"rootfs\"; filename=\"rootfs.squashfs\"\r\n"
                    + "Content-Type: application/octet-stream\r\n\r\nhsqs\r\n--b0undary--\r\n";
            assertValid("GET", "/1.0/images/" + FINGERPRINT + "/export", 200,
                    Map.of("Content-Type", "multipart/form-data; boundary=b0undary"), multipart);
            assertValid("GET", "/1.0/images/" + FINGERPRINT + "/export", 404, error(404, "Image not found"));
        }
    }

    @Nested
    class Aliases {

        @Test
        void corralAnswers() {
            assertValid("GET", "/1.0/images/aliases", 200, sync("[\"/1.0/images/aliases/alpine\"]"));
            assertValid("GET", "/1.0/images/aliases?recursion=1", 200, sync("[" + ALIAS + "]"));
            assertValid("GET", "/1.0/images/aliases", 200, sync("[]"));
            assertValidCreated("POST", "/1.0/images/aliases", "/1.0/images/aliases/alpine");
            assertValid("GET", "/1.0/images/aliases/alpine", 200, JSON_WITH_ETAG, sync(ALIAS));
            assertValidCreated("POST", "/1.0/images/aliases/alpine", "/1.0/images/aliases/alpine2");
            for (String method : List.of("PUT", "PATCH", "DELETE")) {
                assertValid(method, "/1.0/images/aliases/alpine", 200, EMPTY);
            }
            assertValid("GET", "/1.0/images/aliases/nope", 404, error(404, "Image alias not found"));
        }

        @Test
        void aliasesIsNotAFingerprint() {
            // The literal path wins: an alias list passes, and an image with its ETag (a valid answer of
            // /1.0/images/{fingerprint}) fails against the alias list's anyOf.
            assertValid("GET", "/1.0/images/aliases", 200, sync("[" + ALIAS + "]"));
            assertValid("GET", "/1.0/images/aliasex", 200, JSON_WITH_ETAG, sync(IMAGE));
            assertInvalid("GET", "/1.0/images/aliases", 200, JSON_WITH_ETAG, sync(IMAGE),
                    "validation.response.body.schema.anyOf");
            assertValidCreated("POST", "/1.0/images/aliases", "/1.0/images/aliases/alpine");
            // DELETE is only defined on /1.0/images/{fingerprint}: like Incus's router (and Vert.x's), the validator
            // then takes "aliases" for a fingerprint, which no image has.
            assertValid("DELETE", "/1.0/images/aliases", 404, error(404, "Image not found"));
            // One level down, /1.0/images/aliases/{name} is an alias, even one named "export".
            assertInvalid("GET", "/1.0/images/aliases/alpine", 200, JSON_WITH_ETAG, sync(IMAGE), "auto_update");
            assertValid("GET", "/1.0/images/aliases/export", 200, JSON_WITH_ETAG,
                    sync(ALIAS.replace("\"alpine\"", "\"export\"")));
        }
    }

    @Nested
    class Instances {

        @Test
        void realIncusAnswers() {
            assertValid("GET", "/1.0/instances?recursion=2", 200, sync("[]"));
            assertValid("GET", "/1.0/instances/nope", 404,
                    error(404, "Failed to fetch instance \\\"nope\\\" in project \\\"default\\\": Instance not found"));
            // Incus 6 no longer serves the LXD spelling.
            assertValid("GET", "/1.0/containers", 404, error(404, "not found"));
        }

        @Test
        void lists() {
            for (String base : List.of("/1.0/instances", "/1.0/containers")) {
                assertValid("GET", base, 200, sync("[\"/1.0/instances/c1\"]"));
                assertValid("GET", base + "?recursion=1", 200, sync("[" + INSTANCE + "]"));
                assertValid("GET", base + "?recursion=2", 200,
                        sync("[" + withState(INSTANCE, STATE_STOPPED) + "]"));
                assertValid("GET", base + "?recursion=2&filter=status+eq+running", 200,
                        sync("[" + withState(INSTANCE.replace("\"Stopped\",\"status_code\":102",
                                "\"Running\",\"status_code\":103"), STATE_RUNNING) + "]"));
            }
        }

        @Test
        void oneInstance() {
            for (String base : List.of("/1.0/instances", "/1.0/containers")) {
                assertValid("GET", base + "/c1", 200, JSON_WITH_ETAG, sync(INSTANCE));
                assertValid("GET", base + "/c1?recursion=1", 200, JSON_WITH_ETAG,
                        sync(withState(INSTANCE, STATE_STOPPED)));
                assertValid("GET", base + "/c1/state", 200, sync(STATE_RUNNING));
                assertValid("GET", base + "/c1/state", 200, sync(STATE_STOPPED));
            }
        }

        @Test
        void changesAreOperations() {
            for (String base : List.of("/1.0/instances", "/1.0/containers")) {
                assertValidAsync("POST", base);
                for (String method : List.of("PUT", "PATCH", "POST", "DELETE")) {
                    assertValidAsync(method, base + "/c1");
                }
                assertValidAsync("PUT", base + "/c1/state");
            }
        }

        @Test
        void instanceAsIncusSendsItAtRecursion2() {
            // Incus also sends snapshots and backups (null when there are none) and os_info (null for containers).
            String incus = withState(INSTANCE, STATE_STOPPED.substring(0, STATE_STOPPED.length() - 1)
                    + ",\"os_info\":null}")
                    .replace("\"state\":", "\"backups\":null,\"snapshots\":null,\"state\":");
            assertTrue(incus.contains("\"os_info\":null") && incus.contains("\"snapshots\":null"), incus);
            assertValid("GET", "/1.0/instances?recursion=2", 200, sync("[" + incus + "]"));
        }

        @Test
        void failuresBeforeTheOperationStarts() {
            assertValid("POST", "/1.0/instances", 400, error(400, "Invalid instance name"));
            assertValid("POST", "/1.0/instances", 409, error(409, "Instance \\\"c1\\\" already exists"));
            assertValid("PUT", "/1.0/instances/c1/state", 400, error(400, "No action given"));
            assertValid("DELETE", "/1.0/instances/c1", 404, error(404, "Instance not found"));
        }

        @Test
        void operationOfAnInstanceChange() {
            assertValid("GET", INSTANCE_OPERATION_URL, 200, sync(INSTANCE_OPERATION));
            String done = INSTANCE_OPERATION.replace("\"Running\",\"status_code\":103",
                    "\"Success\",\"status_code\":200");
            assertValid("GET", INSTANCE_OPERATION_URL + "/wait?timeout=30", 200, sync(done));
        }
    }

    @Nested
    class BrokenAnswersFail {

        @Test
        void instanceWithoutStatusCode() {
            String noStatusCode = INSTANCE.replace("\"status_code\":102,", "");
            assertFalse(noStatusCode.contains("status_code"), noStatusCode);
            assertInvalid("GET", "/1.0/instances/c1", 200, JSON_WITH_ETAG, sync(noStatusCode), "status_code");
            assertInvalid("GET", "/1.0/instances?recursion=1", 200, sync("[" + noStatusCode + "]"), "status_code");
            assertInvalid("GET", "/1.0/containers?recursion=2", 200,
                    sync("[" + withState(noStatusCode, STATE_STOPPED) + "]"), "status_code");
        }

        @Test
        void instanceStatusCodeAsText() {
            assertInvalid("GET", "/1.0/instances/c1", 200, JSON_WITH_ETAG,
                    sync(INSTANCE.replace("\"status_code\":102", "\"status_code\":\"102\"")), "status_code");
        }

        @Test
        void storagePoolWithExtraField() {
            String extra = STORAGE_POOL.replace("\"driver\":\"dir\"", "\"driver\":\"dir\",\"size\":\"10GiB\"");
            assertInvalid("GET", "/1.0/storage-pools/default", 200, JSON_WITH_ETAG, sync(extra), "size");
            assertInvalid("GET", "/1.0/storage-pools?recursion=1", 200, sync("[" + extra + "]"), "size");
        }

        @Test
        void storagePoolWithNullUsedBy() {
            assertInvalid("GET", "/1.0/storage-pools/default", 200, JSON_WITH_ETAG,
                    sync(STORAGE_POOL.replace("[\"/1.0/instances/c1\",\"/1.0/profiles/default\"]", "null")),
                    "used_by");
        }

        @Test
        void asyncAnswerWithoutLocation() {
            assertInvalid("POST", "/1.0/instances", 202, JSON, async(INSTANCE_OPERATION_URL, INSTANCE_OPERATION),
                    "Location");
            assertInvalid("PUT", "/1.0/containers/c1/state", 202, JSON,
                    async(INSTANCE_OPERATION_URL, INSTANCE_OPERATION), "Location");
        }

        @Test
        void asyncAnswerWithAnotherOperationsLocation() {
            assertInvalid("DELETE", "/1.0/images/" + FINGERPRINT, 202,
                    Map.of("Content-Type", "application/json", "Location", "/1.0/operations/" + OPERATION_ID),
                    async(INSTANCE_OPERATION_URL, INSTANCE_OPERATION), "Location");
        }

        @Test
        void instanceChangeAnsweredSynchronously() {
            assertInvalid("PUT", "/1.0/instances/c1", 200, EMPTY, "validation.response.status.unknown");
            assertInvalid("POST", "/1.0/instances", 200, EMPTY, "validation.response.status.unknown");
        }

        @Test
        void profileWithoutEtag() {
            assertInvalid("GET", "/1.0/profiles/default", 200, JSON, sync(PROFILE),
                    "[validation.response.header.missing] Header 'ETag'");
            assertInvalid("GET", "/1.0/profiles/default", 200,
                    Map.of("Content-Type", "application/json", "ETag", "f66bebf18833"), sync(PROFILE),
                    "validation.response.header.schema.pattern");
        }

        @Test
        void profileWithoutProject() {
            assertInvalid("GET", "/1.0/profiles?recursion=1", 200,
                    sync("[" + PROFILE.replace(",\"project\":\"default\"", "") + "]"), "project");
        }

        @Test
        void emptyTimestamps() {
            // What Corral sends today for a never-started instance and for every state: Go clients cannot decode "".
            assertInvalid("GET", "/1.0/instances/c1", 200, JSON_WITH_ETAG,
                    sync(INSTANCE.replace("\"last_used_at\":\"0001-01-01T00:00:00Z\"", "\"last_used_at\":\"\"")),
                    "last_used_at");
            assertInvalid("GET", "/1.0/instances/c1/state", 200,
                    sync(STATE_RUNNING.replace("\"started_at\":\"2026-11-23T18:15:00.5Z\"", "\"started_at\":\"\"")),
                    "started_at");
            assertInvalid("GET", "/1.0/images/" + FINGERPRINT, 200, JSON_WITH_ETAG,
                    sync(IMAGE.replace("\"expires_at\":\"0001-01-01T00:00:00Z\"", "\"expires_at\":null")),
                    "expires_at");
        }

        @Test
        void stateWithoutNetworkKey() {
            // A stopped instance's network is null, but present.
            assertInvalid("GET", "/1.0/instances/c1/state", 200,
                    sync(STATE_STOPPED.replace("\"network\":null,", "")), "network");
        }

        @Test
        void recursion2StateMissingMemory() {
            String broken = withState(INSTANCE, STATE_STOPPED.replace(
                    "\"memory\":{\"usage\":0,\"usage_peak\":0,\"total\":0,\"swap_usage\":0,\"swap_usage_peak\":0},",
                    ""));
            assertInvalid("GET", "/1.0/instances?recursion=2", 200, sync("[" + broken + "]"), "memory");
        }

        @Test
        void imageWithShortFingerprintAndTextSize() {
            assertInvalid("GET", "/1.0/images/06b86454", 200, JSON_WITH_ETAG,
                    sync(IMAGE.replace("\"fingerprint\":\"" + FINGERPRINT + "\"", "\"fingerprint\":\"06b86454\"")),
                    "fingerprint");
            assertInvalid("GET", "/1.0/images?recursion=1", 200,
                    sync("[" + IMAGE.replace("\"size\":3187496", "\"size\":\"3187496\"") + "]"), "size");
        }

        @Test
        void aliasWithUnknownType() {
            assertInvalid("GET", "/1.0/images/aliases/alpine", 200, JSON_WITH_ETAG,
                    sync(ALIAS.replace("\"type\":\"container\"", "\"type\":\"lxc\"")), "type");
        }

        @Test
        void progressWithNumbers() {
            // Incus reports progress values as strings, with the stage and speed always there.
            String numeric = INSTANCE_OPERATION.replace("\"metadata\":null",
                    "\"metadata\":{\"progress\":{\"percent\":42}}");
            assertInvalid("GET", INSTANCE_OPERATION_URL, 200, sync(numeric), "percent");
            assertInvalid("GET", INSTANCE_OPERATION_URL, 200, sync(numeric), "stage");
        }

        @Test
        void operationResourcesNotUrlLists() {
            assertInvalid("GET", INSTANCE_OPERATION_URL, 200,
                    sync(INSTANCE_OPERATION.replace("[\"/1.0/instances/c1\"]", "\"/1.0/instances/c1\"")),
                    "resources");
        }
    }
}
