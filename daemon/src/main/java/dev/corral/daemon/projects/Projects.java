package dev.corral.daemon.projects;

import dev.corral.api.ApiException;
import dev.corral.daemon.http.Request;

/** The {@code ?project=} parameter. Only the default project exists until projects can be created. */
public final class Projects {

    public static final String DEFAULT = "default";

    private Projects() {
    }

    /** The requested project ("default" when absent); a 404 for a project that does not exist. */
    public static String fromRequest(Request request) {
        String project = request.query("project");
        if (project == null || project.isEmpty() || project.equals(DEFAULT)) {
            return DEFAULT;
        }
        throw ApiException.notFound("Project not found");
    }
}
