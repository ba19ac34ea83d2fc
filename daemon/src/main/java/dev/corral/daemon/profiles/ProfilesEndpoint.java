package dev.corral.daemon.profiles;

import dev.corral.api.ApiException;
import dev.corral.api.NamePost;
import dev.corral.api.Profile;
import dev.corral.api.ProfilePut;
import dev.corral.api.ProfilesPost;
import dev.corral.daemon.Names;
import dev.corral.daemon.events.Lifecycle;
import dev.corral.daemon.http.Access;
import dev.corral.daemon.http.ApiResponse;
import dev.corral.daemon.http.Endpoint;
import dev.corral.daemon.http.Request;
import dev.corral.daemon.http.Route;
import dev.corral.daemon.instances.InstanceRecord;
import dev.corral.daemon.projects.Projects;
import dev.corral.daemon.state.DocumentTable;
import dev.corral.daemon.state.StateConflictException;
import io.vertx.core.Future;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** {@code /1.0/profiles}: create, list, show, update, rename and delete profiles. */
public final class ProfilesEndpoint implements Endpoint {

    private static final String PREFIX = "/1.0/profiles/";

    private final Profiles profiles;
    private final DocumentTable<InstanceRecord> instances;
    private final Lifecycle lifecycle;

    public ProfilesEndpoint(Profiles profiles, DocumentTable<InstanceRecord> instances, Lifecycle lifecycle) {
        this.profiles = profiles;
        this.instances = instances;
        this.lifecycle = lifecycle;
    }

    @Override
    public List<Route> routes() {
        return List.of(
                Route.get("/1.0/profiles", Access.SHARED_READ, this::list),
                Route.post("/1.0/profiles", Access.PROJECT, this::create),
                Route.get("/1.0/profiles/{name}", Access.SHARED_READ, this::get),
                Route.put("/1.0/profiles/{name}", Access.PROJECT, request -> update(request, true)),
                Route.patch("/1.0/profiles/{name}", Access.PROJECT, request -> update(request, false)),
                Route.post("/1.0/profiles/{name}", Access.PROJECT, this::rename),
                Route.delete("/1.0/profiles/{name}", Access.PROJECT, this::delete));
    }

    private Future<ApiResponse> list(Request request) {
        int recursion = request.recursion(1);
        String project = Projects.fromRequest(request);
        return request.blocking(() -> profiles.table().list(project)).map(all -> ApiResponse.sync(recursion == 0
                ? all.stream().map(p -> PREFIX + p.name()).toList()
                : all.stream().map(p -> toApi(project, p)).toList()));
    }

    private Future<ApiResponse> get(Request request) {
        String project = Projects.fromRequest(request);
        String name = request.pathParam("name");
        return request.blocking(() -> {
            ProfileRecord profile = profiles.get(project, name);
            return new ApiResponse.Sync(toApi(project, profile), Profiles.etag(profile));
        });
    }

    private Future<ApiResponse> create(Request request) {
        ProfilesPost post = request.body(ProfilesPost.class);
        String project = Projects.fromRequest(request);
        Names.checkObject("Profile", post.name());
        ProfileRecord profile = new ProfileRecord(post.name(), Objects.requireNonNullElse(post.description(), ""),
                post.config() == null ? Map.of() : post.config(), post.devices() == null ? Map.of() : post.devices());
        return request.blocking(() -> {
            profiles.validate(profile);
            try {
                profiles.table().insert(project, profile.name(), profile);
            } catch (StateConflictException e) {
                throw ApiException.conflict("Profile \"" + profile.name() + "\" already exists");
            }
            lifecycle.emit("profile-created", PREFIX + profile.name(), project, request.caller().requestor(), null);
            return new ApiResponse.Created(PREFIX + profile.name());
        });
    }

    private Future<ApiResponse> update(Request request, boolean replace) {
        ProfilePut put = request.body(ProfilePut.class);
        String project = Projects.fromRequest(request);
        String name = request.pathParam("name");
        String ifMatch = request.ifMatch();
        return request.blocking(() -> {
            synchronized (profiles) {
                ProfileRecord current = profiles.get(project, name);
                if (ifMatch != null && !ifMatch.equals(Profiles.etag(current))) {
                    throw ApiException.preconditionFailed("ETag doesn't match");
                }
                ProfileRecord next = replace
                        ? new ProfileRecord(name, Objects.requireNonNullElse(put.description(), ""),
                                put.config() == null ? Map.of() : put.config(),
                                put.devices() == null ? Map.of() : put.devices())
                        : new ProfileRecord(name,
                                put.description() == null ? current.description() : put.description(),
                                merged(current.config(), put.config()), merged(current.devices(), put.devices()));
                profiles.validate(next);
                profiles.table().update(project, name, next);
            }
            lifecycle.emit("profile-updated", PREFIX + name, project, request.caller().requestor(), null);
            return ApiResponse.empty();
        });
    }

    private Future<ApiResponse> rename(Request request) {
        NamePost post = request.body(NamePost.class);
        String project = Projects.fromRequest(request);
        String name = request.pathParam("name");
        Names.checkObject("Profile", post.name());
        return request.blocking(() -> {
            synchronized (profiles) {
                ProfileRecord current = profiles.get(project, name);
                if (name.equals(Profiles.DEFAULT)) {
                    throw ApiException.forbidden("The \"default\" profile cannot be renamed");
                }
                if (!usedBy(project, name).isEmpty()) {
                    throw ApiException.conflict("Profile \"" + name + "\" is in use and cannot be renamed");
                }
                try {
                    profiles.table().rename(project, name, post.name(),
                            new ProfileRecord(post.name(), current.description(), current.config(), current.devices()));
                } catch (StateConflictException e) {
                    throw ApiException.conflict("Profile \"" + post.name() + "\" already exists");
                }
            }
            lifecycle.emit("profile-renamed", PREFIX + post.name(), project, request.caller().requestor(),
                    Map.of("old_name", name));
            return new ApiResponse.Created(PREFIX + post.name());
        });
    }

    private Future<ApiResponse> delete(Request request) {
        String project = Projects.fromRequest(request);
        String name = request.pathParam("name");
        return request.blocking(() -> {
            synchronized (profiles) {
                profiles.get(project, name);
                if (name.equals(Profiles.DEFAULT)) {
                    throw ApiException.forbidden("The \"default\" profile cannot be deleted");
                }
                if (!usedBy(project, name).isEmpty()) {
                    throw ApiException.conflict("Profile \"" + name + "\" is currently in use");
                }
                profiles.table().delete(project, name);
            }
            lifecycle.emit("profile-deleted", PREFIX + name, project, request.caller().requestor(), null);
            return ApiResponse.empty();
        });
    }

    private Profile toApi(String project, ProfileRecord profile) {
        return new Profile(profile.config(), profile.description(), profile.devices(), profile.name(),
                usedBy(project, profile.name()), project);
    }

    private List<String> usedBy(String project, String profile) {
        return instances.list(project).stream()
                .filter(instance -> instance.profiles().contains(profile))
                .map(instance -> "/1.0/instances/" + instance.name())
                .toList();
    }

    private static <V> Map<String, V> merged(Map<String, V> current, Map<String, V> changes) {
        Map<String, V> result = new LinkedHashMap<>(current);
        if (changes != null) {
            result.putAll(changes);
        }
        return result;
    }
}
