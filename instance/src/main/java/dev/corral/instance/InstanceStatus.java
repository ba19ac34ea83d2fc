package dev.corral.instance;

import dev.corral.api.StatusCode;

/** What a driver reports an instance to be doing. */
public enum InstanceStatus {
    RUNNING(StatusCode.RUNNING),
    STOPPED(StatusCode.STOPPED),
    FROZEN(StatusCode.FROZEN),
    STARTING(StatusCode.STARTING),
    STOPPING(StatusCode.STOPPING),
    FREEZING(StatusCode.FREEZING),
    ERROR(StatusCode.ERROR);

    private final StatusCode code;

    InstanceStatus(StatusCode code) {
        this.code = code;
    }

    public StatusCode code() {
        return code;
    }
}
