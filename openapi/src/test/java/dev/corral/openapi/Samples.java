package dev.corral.openapi;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Real Incus 6.0.4 answers (test resources under samples/) and envelopes around hand-written metadata. */
final class Samples {

    static final String OPERATION_ID = "4e43d2f5-8c1b-4a4e-9d4f-2b7f6f1e0a11";

    /** A token operation as Incus 6.0.4 renders it. */
    static final String OPERATION = """
            {"id":"%s","class":"token","description":"Executing operation",\
            "created_at":"2026-11-23T17:54:46.206263941Z","updated_at":"2026-11-23T17:54:46.206263941Z",\
            "status":"Running","status_code":103,"resources":{},\
            "metadata":{"addresses":["10.0.0.1:8443"],"fingerprint":"abc","secret":"s3cr3t"},\
            "may_cancel":true,"err":"","location":"none"}""".formatted(OPERATION_ID);

    private Samples() {
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

    static String error(int code, String message) {
        return "{\"type\":\"error\",\"status\":\"\",\"status_code\":0,\"operation\":\"\",\"error_code\":" + code
                + ",\"error\":\"" + message + "\",\"metadata\":null}";
    }
}
