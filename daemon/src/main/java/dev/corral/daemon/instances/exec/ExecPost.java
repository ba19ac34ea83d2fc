package dev.corral.daemon.instances.exec;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /1.0/instances/{name}/exec} body (Incus {@code api.InstanceExecPost}). Every field is optional on the
 * wire except {@code command}; absent ones take Incus's zero values.
 *
 * @param user uid inside the instance (Go uint32)
 * @param group gid inside the instance (Go uint32)
 */
record ExecPost(
        List<String> command,
        Map<String, String> environment,
        @JsonProperty("wait-for-websocket") Boolean waitForWebsocket,
        Boolean interactive,
        Long width,
        Long height,
        @JsonProperty("record-output") Boolean recordOutput,
        Long user,
        Long group,
        String cwd) {

    boolean websockets() {
        return Boolean.TRUE.equals(waitForWebsocket);
    }

    boolean isInteractive() {
        return Boolean.TRUE.equals(interactive);
    }

    boolean recording() {
        return Boolean.TRUE.equals(recordOutput);
    }
}
