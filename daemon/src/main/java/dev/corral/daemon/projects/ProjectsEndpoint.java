package dev.corral.daemon.projects;

import dev.corral.api.ApiException;
import dev.corral.api.Project;
import dev.corral.daemon.http.Access;
import dev.corral.daemon.http.ApiResponse;
import dev.corral.daemon.http.Endpoint;
import dev.corral.daemon.http.Request;
import dev.corral.daemon.http.Route;
import dev.corral.daemon.state.StateStore;
import dev.corral.daemon.state.StateStore.StoredProject;
import io.vertx.core.Future;
import java.util.List;

/** {@code /1.0/projects}: read access to projects (only the default project exists so far). */
public final class ProjectsEndpoint implements Endpoint {

    private static final String PREFIX = "/1.0/projects/";

    private final StateStore store;

    public ProjectsEndpoint(StateStore store) {
        this.store = store;
    }

    @Override
    public List<Route> routes() {
        return List.of(
                Route.get("/1.0/projects", Access.TRUSTED, this::list),
                Route.get("/1.0/projects/{name}", Access.TRUSTED, this::get));
    }

    private Future<ApiResponse> list(Request request) {
        int recursion = request.recursion(1);
        return request.blocking(store::projects).map(projects -> ApiResponse.sync(recursion == 0
                ? projects.stream().map(project -> PREFIX + project.name()).toList()
                : projects.stream().map(ProjectsEndpoint::toApi).toList()));
    }

    private Future<ApiResponse> get(Request request) {
        String name = request.pathParam("name");
        return request.blocking(() -> store.project(name)).map(found -> ApiResponse.sync(
                toApi(found.orElseThrow(() -> ApiException.notFound("Project not found")))));
    }

    private static Project toApi(StoredProject project) {
        return new Project(project.config(), project.description(), project.name(), List.of());
    }
}
