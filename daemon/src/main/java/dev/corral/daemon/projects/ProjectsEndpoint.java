package dev.corral.daemon.projects;

import dev.corral.api.ApiException;
import dev.corral.api.Project;
import dev.corral.daemon.http.Access;
import dev.corral.daemon.http.ApiResponse;
import dev.corral.daemon.http.Endpoint;
import dev.corral.daemon.http.Etags;
import dev.corral.daemon.http.Request;
import dev.corral.daemon.http.Route;
import dev.corral.daemon.instances.InstanceRecord;
import dev.corral.daemon.profiles.ProfileRecord;
import dev.corral.daemon.state.DocumentTable;
import dev.corral.daemon.state.StateStore;
import dev.corral.daemon.state.StateStore.StoredProject;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;

/** {@code /1.0/projects}: read access to projects (only the default project exists so far). */
public final class ProjectsEndpoint implements Endpoint {

    private static final String PREFIX = "/1.0/projects/";

    private final StateStore store;
    private final DocumentTable<ProfileRecord> profiles;
    private final DocumentTable<InstanceRecord> instances;

    public ProjectsEndpoint(StateStore store, DocumentTable<ProfileRecord> profiles,
            DocumentTable<InstanceRecord> instances) {
        this.store = store;
        this.profiles = profiles;
        this.instances = instances;
    }

    @Override
    public List<Route> routes() {
        return List.of(
                Route.get("/1.0/projects", Access.TRUSTED, this::list),
                Route.get("/1.0/projects/{name}", Access.TRUSTED, this::get));
    }

    private Future<ApiResponse> list(Request request) {
        int recursion = request.recursion(1);
        return request.blocking(() -> {
            // A restricted certificate sees only its own projects.
            List<StoredProject> projects = store.projects().stream()
                    .filter(project -> request.caller().mayUse(project.name()))
                    .toList();
            return ApiResponse.sync(recursion == 0
                    ? projects.stream().map(project -> PREFIX + project.name()).toList()
                    : projects.stream().map(this::toApi).toList());
        });
    }

    private Future<ApiResponse> get(Request request) {
        String name = request.pathParam("name");
        if (!request.caller().mayUse(name)) {
            throw ApiException.forbidden("User does not have permission for project \"" + name + "\"");
        }
        return request.blocking(() -> {
            Project project = toApi(store.project(name).orElseThrow(() -> ApiException.notFound("Project not found")));
            return new ApiResponse.Sync(project, Etags.of(List.of(project.config(), project.description())));
        });
    }

    /** Blocking: lists what the project holds, as its {@code used_by}. */
    private Project toApi(StoredProject project) {
        List<String> usedBy = new ArrayList<>();
        instances.list(project.name()).forEach(instance -> usedBy.add("/1.0/instances/" + instance.name()));
        profiles.list(project.name()).forEach(profile -> usedBy.add("/1.0/profiles/" + profile.name()));
        return new Project(project.config(), project.description(), project.name(), usedBy);
    }
}
