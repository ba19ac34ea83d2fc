package dev.corral.daemon.http;

import dev.corral.api.ApiException;

/** Decides whether a caller may use a route: the whole authorization model, fail-closed, in one place. */
final class AccessPolicy {

    private static final String DEFAULT_PROJECT = "default";

    private AccessPolicy() {
    }

    /**
     * Null when the call may go ahead, else the 403 to answer. {@code project} is the request's {@code ?project=}
     * (null or empty for the default project); {@code allProjects} is {@code ?all-projects=true}.
     */
    static ApiException denial(Access access, Caller caller, String project, boolean allProjects, boolean read) {
        if (access == Access.PUBLIC) {
            return null;
        }
        if (!caller.trusted()) {
            return ApiException.forbidden("not authorized");
        }
        if (!caller.restricted() || access == Access.TRUSTED) {
            return null;
        }
        if (access == Access.ADMIN || allProjects) {
            return ApiException.forbidden("Certificate is restricted");
        }
        String target = project == null || project.isEmpty() ? DEFAULT_PROJECT : project;
        if (caller.mayUse(target) || (access == Access.SHARED_READ && read && target.equals(DEFAULT_PROJECT))) {
            return null;
        }
        return ApiException.forbidden("User does not have permission for project \"" + target + "\"");
    }
}
