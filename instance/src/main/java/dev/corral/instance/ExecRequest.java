package dev.corral.instance;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A command to run inside an instance, complete: the driver adds no defaults.
 *
 * @param command the program (looked up through {@code PATH} inside the instance) and its arguments; not empty
 * @param environment the whole environment of the command
 * @param user uid inside the instance
 * @param group gid inside the instance (no supplementary groups)
 * @param cwd the absolute working directory inside the instance; when it does not exist there, the command starts in
 *     {@code /} (as Incus)
 */
public record ExecRequest(List<String> command, Map<String, String> environment, long user, long group, String cwd) {

    public ExecRequest {
        command = List.copyOf(command);
        if (command.isEmpty()) {
            throw new IllegalArgumentException("an exec request needs a command");
        }
        environment = Map.copyOf(environment);
        Objects.requireNonNull(cwd, "cwd");
        if (!cwd.startsWith("/")) {
            throw new IllegalArgumentException("the working directory must be absolute: " + cwd);
        }
    }
}
