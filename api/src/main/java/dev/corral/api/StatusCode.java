package dev.corral.api;

import com.fasterxml.jackson.annotation.JsonValue;

/** Incus status codes, shared by operations and instances (DESIGN.md §1). */
public enum StatusCode {
    OPERATION_CREATED(100, "Operation created"),
    STARTED(101, "Started"),
    STOPPED(102, "Stopped"),
    RUNNING(103, "Running"),
    CANCELLING(104, "Cancelling"),
    PENDING(105, "Pending"),
    STARTING(106, "Starting"),
    STOPPING(107, "Stopping"),
    ABORTING(108, "Aborting"),
    FREEZING(109, "Freezing"),
    FROZEN(110, "Frozen"),
    THAWED(111, "Thawed"),
    ERROR(112, "Error"),
    SUCCESS(200, "Success"),
    FAILURE(400, "Failure"),
    CANCELLED(401, "Cancelled");

    private final int code;
    private final String text;

    StatusCode(int code, String text) {
        this.code = code;
        this.text = text;
    }

    @JsonValue
    public int code() {
        return code;
    }

    /** The human-readable name Incus puts next to the code ("Running", "Success", ...). */
    public String text() {
        return text;
    }

    /** Whether an operation in this state will never change again. */
    public boolean isFinal() {
        return this == SUCCESS || this == FAILURE || this == CANCELLED;
    }

    public static StatusCode of(int code) {
        for (StatusCode s : values()) {
            if (s.code == code) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown status code " + code);
    }
}
