package dev.corral.client;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A command to run in an instance ({@code POST /1.0/instances/{name}/exec}). Immutable:
 *
 * <pre>{@code
 * ExecRequest.of("sh", "-c", "echo hi; exit 3").withEnvironment("LANG", "C").withCwd("/tmp")
 * ExecRequest.of("sh").withInteractive(80, 24)       // a terminal: one stream, resizable
 * }</pre>
 *
 * @param command the program and its arguments (not interpreted by a shell)
 * @param environment extra environment variables
 * @param cwd working directory, or null for the daemon's default ({@code /root})
 * @param user user id to run as (0: root)
 * @param group group id to run as (0: root)
 * @param interactive with a terminal: stdin, stdout and stderr are one stream, and the window can be resized
 * @param width terminal columns (interactive)
 * @param height terminal rows (interactive)
 */
public record ExecRequest(
        List<String> command,
        Map<String, String> environment,
        String cwd,
        int user,
        int group,
        boolean interactive,
        int width,
        int height) {

    public ExecRequest {
        Objects.requireNonNull(command, "command");
        if (command.isEmpty()) {
            throw new IllegalArgumentException("the command must not be empty");
        }
        command = List.copyOf(command);
        environment = Map.copyOf(environment);
    }

    /** A command: the program and its arguments. */
    public static ExecRequest of(String... command) {
        return new ExecRequest(List.of(command), Map.of(), null, 0, 0, false, 0, 0);
    }

    /** A command: the program and its arguments. */
    public static ExecRequest of(List<String> command) {
        return new ExecRequest(command, Map.of(), null, 0, 0, false, 0, 0);
    }

    public ExecRequest withEnvironment(Map<String, String> variables) {
        return new ExecRequest(command, variables, cwd, user, group, interactive, width, height);
    }

    public ExecRequest withEnvironment(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(environment);
        more.put(name, value);
        return withEnvironment(more);
    }

    public ExecRequest withCwd(String directory) {
        return new ExecRequest(command, environment, directory, user, group, interactive, width, height);
    }

    public ExecRequest withUser(int uid, int gid) {
        return new ExecRequest(command, environment, cwd, uid, gid, interactive, width, height);
    }

    /** Runs the command on a terminal of {@code columns} x {@code rows}. */
    public ExecRequest withInteractive(int columns, int rows) {
        return new ExecRequest(command, environment, cwd, user, group, true, columns, rows);
    }

    /** The wire body: Incus's {@code InstanceExecPost}, always with {@code wait-for-websocket}. */
    Wire toWire() {
        return new Wire(command, environment, true, false, interactive, interactive ? width : 0,
                interactive ? height : 0, user, group, cwd);
    }

    /** Incus's {@code api.InstanceExecPost}; the api module has no record for it yet. */
    record Wire(
            List<String> command,
            Map<String, String> environment,
            @JsonProperty("wait-for-websocket") boolean waitForWebsocket,
            @JsonProperty("record-output") boolean recordOutput,
            boolean interactive,
            int width,
            int height,
            int user,
            int group,
            String cwd) {
    }
}
