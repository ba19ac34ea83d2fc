package dev.corral.daemon.instances;

import dev.corral.api.ApiException;
import dev.corral.api.Instance;
import dev.corral.api.InstancePost;
import dev.corral.api.InstancePut;
import dev.corral.api.InstanceStatePut;
import dev.corral.api.InstancesPost;
import dev.corral.api.Operation;
import dev.corral.daemon.Names;
import dev.corral.daemon.http.Access;
import dev.corral.daemon.http.ApiResponse;
import dev.corral.daemon.http.Endpoint;
import dev.corral.daemon.http.ListFilter;
import dev.corral.daemon.http.Request;
import dev.corral.daemon.http.Route;
import dev.corral.daemon.projects.Projects;
import dev.corral.operations.OperationRegistry;
import dev.corral.operations.OperationSpec;
import dev.corral.operations.Work;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code /1.0/instances} (and LXD's {@code /1.0/containers}, for older clients): create, list, show, update,
 * rename, delete, and change the state of instances. Changes are operations; checks happen before they start.
 */
public final class InstancesEndpoint implements Endpoint {

    /** Every instance route is served under both: LXD's {@code /1.0/containers} is what older clients call. */
    public static final List<String> BASES = List.of("/1.0/instances", "/1.0/containers");

    private final InstanceService instances;
    private final OperationRegistry operations;

    public InstancesEndpoint(InstanceService instances, OperationRegistry operations) {
        this.instances = instances;
        this.operations = operations;
    }

    @Override
    public List<Route> routes() {
        List<Route> routes = new ArrayList<>();
        for (String base : BASES) {
            routes.add(Route.get(base, Access.PROJECT, this::list));
            routes.add(Route.post(base, Access.PROJECT, this::create));
            routes.add(Route.get(base + "/{name}", Access.PROJECT, this::get));
            routes.add(Route.put(base + "/{name}", Access.PROJECT, request -> update(request, true)));
            routes.add(Route.patch(base + "/{name}", Access.PROJECT, request -> update(request, false)));
            routes.add(Route.post(base + "/{name}", Access.PROJECT, this::rename));
            routes.add(Route.delete(base + "/{name}", Access.PROJECT, this::delete));
            routes.add(Route.get(base + "/{name}/state", Access.PROJECT, this::state));
            routes.add(Route.put(base + "/{name}/state", Access.PROJECT, this::changeState));
        }
        return routes;
    }

    private Future<ApiResponse> list(Request request) {
        int recursion = request.recursion(2);
        String project = Projects.fromRequest(request);
        String filterText = request.query("filter");
        ListFilter filter = filterText == null || filterText.isBlank() ? null : ListFilter.parse(filterText);
        return request.blocking(() -> {
            List<Object> result = new ArrayList<>();
            for (InstanceRecord record : instances.list(project)) {
                Instance instance = recursion == 0 && filter == null ? null
                        : instances.toApi(project, record, recursion == 2);
                if (filter != null && !filter.matches(instance)) {
                    continue;
                }
                result.add(recursion == 0 ? InstanceService.PREFIX + record.name() : instance);
            }
            return ApiResponse.sync(result);
        });
    }

    private Future<ApiResponse> get(Request request) {
        String project = Projects.fromRequest(request);
        String name = request.pathParam("name");
        boolean full = request.recursion(1) == 1;
        return request.blocking(() -> {
            InstanceRecord record = instances.get(project, name);
            return new ApiResponse.Sync(instances.toApi(project, record, full), InstanceService.etag(record));
        });
    }

    private Future<ApiResponse> state(Request request) {
        String project = Projects.fromRequest(request);
        String name = request.pathParam("name");
        return request.blocking(() -> ApiResponse.sync(instances.state(project, name)));
    }

    private Future<ApiResponse> create(Request request) {
        InstancesPost post = request.body(InstancesPost.class);
        String project = Projects.fromRequest(request);
        String name = post.name() == null || post.name().isEmpty() ? Names.randomInstanceName() : post.name();
        Names.checkInstance(name);
        if (post.source() == null || post.source().type() == null || post.source().type().isEmpty()) {
            throw ApiException.badRequest("No source given: set source.type to \"image\" or \"none\"");
        }
        String type = post.type() == null || post.type().isEmpty() ? "container" : post.type();
        InstanceRecord record = new InstanceRecord(name, type, Objects.requireNonNullElse(post.description(), ""),
                "x86_64",
                Boolean.TRUE.equals(post.ephemeral()), false, Instant.now().toString(), InstanceService.NEVER,
                post.config() == null ? Map.of() : post.config(), post.devices() == null ? Map.of() : post.devices(),
                post.profiles() == null ? List.of("default") : post.profiles());
        return request.blocking(() -> {
            InstanceService.Plan plan = instances.plan(project, record, post.source().type(), post.source().alias(),
                    post.source().fingerprint(), Boolean.TRUE.equals(post.start()));
            return submit(post.start() == Boolean.TRUE ? "Creating and starting instance" : "Creating instance",
                    project, name, context -> instances.create(plan, request.caller().requestor(),
                            context::updateMetadata));
        });
    }

    private Future<ApiResponse> update(Request request, boolean replace) {
        InstancePut put = request.body(InstancePut.class);
        String project = Projects.fromRequest(request);
        String name = request.pathParam("name");
        if (put.restore() != null && !put.restore().isEmpty()) {
            throw ApiException.badRequest("Restoring snapshots is not supported yet");
        }
        String ifMatch = request.ifMatch();
        return request.blocking(() -> {
            InstanceRecord current = instances.get(project, name);
            if (ifMatch != null && !ifMatch.equals(InstanceService.etag(current))) {
                throw ApiException.preconditionFailed("ETag doesn't match");
            }
            InstanceRecord changes = new InstanceRecord(name, current.type(), put.description(),
                    current.architecture(),
                    put.ephemeral() == null ? (replace ? false : current.ephemeral()) : put.ephemeral(), false,
                    current.createdAt(), current.lastUsedAt(), put.config() == null ? Map.of() : put.config(),
                    put.devices() == null ? Map.of() : put.devices(),
                    put.profiles() == null ? (replace ? List.of() : null) : put.profiles());
            return submit("Updating instance", project, name, context -> instances.update(project, name, changes,
                    replace, ifMatch, request.caller().requestor()));
        });
    }

    private Future<ApiResponse> rename(Request request) {
        InstancePost post = request.body(InstancePost.class);
        String project = Projects.fromRequest(request);
        String name = request.pathParam("name");
        if (Boolean.TRUE.equals(post.migration()) || (post.pool() != null && !post.pool().isEmpty())
                || (post.project() != null && !post.project().isEmpty()) || post.target() != null) {
            throw ApiException.badRequest("Only renaming is supported: migration, pool and project moves are not");
        }
        Names.checkInstance(post.name());
        return request.blocking(() -> {
            Runnable work = instances.rename(project, name, post.name(), request.caller().requestor());
            return submit("Renaming instance", project, name, context -> work.run());
        });
    }

    private Future<ApiResponse> delete(Request request) {
        String project = Projects.fromRequest(request);
        String name = request.pathParam("name");
        return request.blocking(() -> {
            Runnable work = instances.delete(project, name, request.caller().requestor());
            return submit("Deleting instance", project, name, context -> work.run());
        });
    }

    private Future<ApiResponse> changeState(Request request) {
        InstanceStatePut put = request.body(InstanceStatePut.class);
        String project = Projects.fromRequest(request);
        String name = request.pathParam("name");
        if (put.action() == null || put.action().isEmpty()) {
            throw ApiException.badRequest("No action given");
        }
        if (Boolean.TRUE.equals(put.stateful())) {
            throw ApiException.badRequest("Stateful start and stop are not supported");
        }
        return request.blocking(() -> {
            Runnable work = instances.stateChange(project, name, put.action(),
                    put.timeout() == null ? -1 : put.timeout(), Boolean.TRUE.equals(put.force()),
                    request.caller().requestor());
            return submit(describe(put.action()), project, name, context -> work.run());
        });
    }

    private ApiResponse submit(String description, String project, String name, Work work) {
        Operation op = operations.submit(OperationSpec.task(description, work).project(project)
                .resource("instances", InstanceService.PREFIX + name));
        return new ApiResponse.Async(op);
    }

    private static String describe(String action) {
        return switch (action) {
            case "start" -> "Starting instance";
            case "stop" -> "Stopping instance";
            case "restart" -> "Restarting instance";
            case "freeze" -> "Freezing instance";
            case "unfreeze" -> "Unfreezing instance";
            default -> "Changing instance state";
        };
    }
}
