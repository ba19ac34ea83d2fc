package dev.corral.openapi;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Real Incus 6.0.4 answers (test resources under samples/), Corral answers written from its wire records, and
 * envelopes around hand-written metadata.
 */
final class Samples {

    static final String OPERATION_ID = "4e43d2f5-8c1b-4a4e-9d4f-2b7f6f1e0a11";

    /** A token operation as Incus 6.0.4 renders it. */
    static final String OPERATION = """
            {"id":"%s","class":"token","description":"Executing operation",\
            "created_at":"2026-11-23T17:54:46.206263941Z","updated_at":"2026-11-23T17:54:46.206263941Z",\
            "status":"Running","status_code":103,"resources":{},\
            "metadata":{"addresses":["10.0.0.1:8443"],"fingerprint":"abc","secret":"s3cr3t"},\
            "may_cancel":true,"err":"","location":"none"}""".formatted(OPERATION_ID);

    /** The etag of Incus's default profile (samples/profile-default.json), as its Etag header says it. */
    static final String PROFILE_ETAG = "\"f66bebf18833bae006ba030b0aa64e81929b154de7693dfdd6f84436ea82630d\"";

    // ---- Corral answers, written by hand from the wire records in dev.corral.api, field for field in the order
    // ---- Jackson writes them (@JsonPropertyOrder), with the values the daemon fills in.

    static final String FINGERPRINT = "06b86454720d36b20f94e31c6812e05ec51c1b568cf3a8abd273769d213394bb";

    /** Corral's default profile (Profile record) once c1 uses it. */
    static final String PROFILE = """
            {"config":{},"description":"Default Corral profile",\
            "devices":{"root":{"path":"/","pool":"default","type":"disk"}},\
            "name":"default","used_by":["/1.0/instances/c1"],"project":"default"}""";

    /** Corral's default storage pool (StoragePool record). */
    static final String STORAGE_POOL = """
            {"config":{"source":"/var/lib/corral/storage-pools/default"},"description":"Default Corral storage pool",\
            "name":"default","driver":"dir","used_by":["/1.0/instances/c1","/1.0/profiles/default"],\
            "status":"Created","locations":["none"]}""";

    /** An uploaded image (Image record): never used, never expires, one alias. */
    static final String IMAGE = """
            {"auto_update":false,"properties":{"description":"Alpine 3.20","os":"Alpine","release":"3.20"},\
            "public":false,"expires_at":"0001-01-01T00:00:00Z","profiles":["default"],\
            "aliases":[{"name":"alpine","description":""}],"architecture":"x86_64","cached":false,\
            "filename":"alpine-3.20.tar.xz","fingerprint":"%s","size":3187496,"type":"container",\
            "created_at":"2024-06-18T00:00:00Z","last_used_at":"0001-01-01T00:00:00Z",\
            "uploaded_at":"2026-11-23T18:14:05.206263941Z","project":"default"}""".formatted(FINGERPRINT);

    /** An image alias (ImageAliasesEntry record). */
    static final String ALIAS = """
            {"name":"alpine","description":"","target":"%s","type":"container"}""".formatted(FINGERPRINT);

    /** A stopped container (Instance record, recursion=1: no state). */
    static final String INSTANCE = """
            {"architecture":"x86_64","config":{"volatile.base_image":"%s"},"devices":{},"ephemeral":false,\
            "profiles":["default"],"stateful":false,"description":"","created_at":"2026-11-23T18:14:05.206263941Z",\
            "expanded_config":{"volatile.base_image":"%s"},\
            "expanded_devices":{"root":{"path":"/","pool":"default","type":"disk"}},"name":"c1","status":"Stopped",\
            "status_code":102,"last_used_at":"0001-01-01T00:00:00Z","location":"none","type":"container",\
            "project":"default"}""".formatted(FINGERPRINT, FINGERPRINT);

    /** A running container's state (InstanceState record; os_info left out, as Corral's Jackson does). */
    static final String STATE_RUNNING = """
            {"status":"Running","status_code":103,"disk":{},\
            "memory":{"usage":9437184,"usage_peak":12582912,"total":0,"swap_usage":0,"swap_usage_peak":0},\
            "network":{"eth0":{"addresses":[{"family":"inet","address":"10.0.3.15","netmask":"24","scope":"global"},\
            {"family":"inet6","address":"fe80::216:3eff:fe12:3456","netmask":"64","scope":"link"}],\
            "counters":{"bytes_received":5120,"bytes_sent":2048,"packets_received":40,"packets_sent":20,\
            "errors_received":0,"errors_sent":0,"packets_dropped_outbound":0,"packets_dropped_inbound":0},\
            "hwaddr":"00:16:3e:12:34:56","host_name":"","mtu":1500,"state":"up","type":"broadcast"},\
            "lo":{"addresses":[{"family":"inet","address":"127.0.0.1","netmask":"8","scope":"local"}],\
            "counters":{"bytes_received":0,"bytes_sent":0,"packets_received":0,"packets_sent":0,\
            "errors_received":0,"errors_sent":0,"packets_dropped_outbound":0,"packets_dropped_inbound":0},\
            "hwaddr":"","host_name":"","mtu":65536,"state":"up","type":"loopback"}},\
            "pid":31337,"processes":3,"cpu":{"usage":48211000,"allocated_time":0},\
            "started_at":"2026-11-23T18:15:00.5Z"}""";

    /** A stopped container's state: no network (null), no pid, zero start time. */
    static final String STATE_STOPPED = """
            {"status":"Stopped","status_code":102,"disk":{},\
            "memory":{"usage":0,"usage_peak":0,"total":0,"swap_usage":0,"swap_usage_peak":0},\
            "network":null,"pid":0,"processes":0,"cpu":{"usage":0,"allocated_time":0},\
            "started_at":"0001-01-01T00:00:00Z"}""";

    static final String INSTANCE_OPERATION_ID = "9b2f7c1e-5d4a-4f3b-8e6d-0a1b2c3d4e5f";

    /** The task operation Corral starts for an instance change (Operation record; no metadata yet is null). */
    static final String INSTANCE_OPERATION = """
            {"id":"%s","class":"task","description":"Creating instance",\
            "created_at":"2026-11-23T18:14:05.206263941Z","updated_at":"2026-11-23T18:14:05.206263941Z",\
            "status":"Running","status_code":103,"resources":{"instances":["/1.0/instances/c1"]},\
            "metadata":null,"may_cancel":false,"err":"","location":"none"}""".formatted(INSTANCE_OPERATION_ID);

    static final String INSTANCE_OPERATION_URL = "/1.0/operations/" + INSTANCE_OPERATION_ID;

    private Samples() {
    }

    /** An instance with its state (recursion=2 in lists, recursion=1 for one instance). */
    static String withState(String instance, String state) {
        return instance.substring(0, instance.length() - 1) + ",\"state\":" + state + "}";
    }

    static String resource(String name) {
        try (InputStream in = Samples.class.getResourceAsStream("/samples/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no sample " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String sync(String metadata) {
        return "{\"type\":\"sync\",\"status\":\"Success\",\"status_code\":200,\"operation\":\"\",\"error_code\":0,"
                + "\"error\":\"\",\"metadata\":" + metadata + "}";
    }

    /** The async envelope around an operation (HTTP 202, with the operation's URL as Location). */
    static String async(String operationUrl, String operation) {
        return "{\"type\":\"async\",\"status\":\"Operation created\",\"status_code\":100,\"operation\":\""
                + operationUrl + "\",\"error_code\":0,\"error\":\"\",\"metadata\":" + operation + "}";
    }

    static String error(int code, String message) {
        return "{\"type\":\"error\",\"status\":\"\",\"status_code\":0,\"operation\":\"\",\"error_code\":" + code
                + ",\"error\":\"" + message + "\",\"metadata\":null}";
    }
}
