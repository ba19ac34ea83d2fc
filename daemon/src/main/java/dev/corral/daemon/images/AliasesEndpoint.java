package dev.corral.daemon.images;

import dev.corral.api.ApiException;
import dev.corral.api.ImageAliasesEntry;
import dev.corral.api.ImageAliasesEntryPut;
import dev.corral.api.NamePost;
import dev.corral.daemon.Names;
import dev.corral.daemon.events.Lifecycle;
import dev.corral.daemon.http.Access;
import dev.corral.daemon.http.ApiResponse;
import dev.corral.daemon.http.Endpoint;
import dev.corral.daemon.http.Etags;
import dev.corral.daemon.http.Request;
import dev.corral.daemon.http.Route;
import dev.corral.daemon.projects.Projects;
import dev.corral.daemon.state.StateConflictException;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** {@code /1.0/images/aliases}: names for images. */
public final class AliasesEndpoint implements Endpoint {

    private static final String PREFIX = "/1.0/images/aliases/";

    private final Images images;
    private final Lifecycle lifecycle;

    public AliasesEndpoint(Images images, Lifecycle lifecycle) {
        this.images = images;
        this.lifecycle = lifecycle;
    }

    @Override
    public List<Route> routes() {
        return List.of(
                Route.get("/1.0/images/aliases", Access.SHARED_READ, this::list),
                Route.post("/1.0/images/aliases", Access.PROJECT, this::create),
                Route.get("/1.0/images/aliases/{name}", Access.SHARED_READ, this::get),
                Route.put("/1.0/images/aliases/{name}", Access.PROJECT, request -> update(request, true)),
                Route.patch("/1.0/images/aliases/{name}", Access.PROJECT, request -> update(request, false)),
                Route.post("/1.0/images/aliases/{name}", Access.PROJECT, this::rename),
                Route.delete("/1.0/images/aliases/{name}", Access.PROJECT, this::delete));
    }

    private Future<ApiResponse> list(Request request) {
        int recursion = request.recursion(1);
        String project = Projects.fromRequest(request);
        return request.blocking(() -> {
            List<AliasRecord> all = images.aliases().list(project);
            return ApiResponse.sync(recursion == 0
                    ? all.stream().map(alias -> PREFIX + alias.name()).toList()
                    : all.stream().map(AliasesEndpoint::toApi).toList());
        });
    }

    private Future<ApiResponse> get(Request request) {
        String project = Projects.fromRequest(request);
        String name = request.pathParam("name");
        return request.blocking(() -> {
            AliasRecord alias = find(project, name);
            return new ApiResponse.Sync(toApi(alias), etag(alias));
        });
    }

    private Future<ApiResponse> create(Request request) {
        ImageAliasesEntry entry = request.body(ImageAliasesEntry.class);
        String project = Projects.fromRequest(request);
        Names.checkObject("Alias", entry.name());
        return request.blocking(() -> {
            ImageRecord image = images.find(project, entry.target());
            String target = image.fingerprint();
            AliasRecord alias = new AliasRecord(entry.name(), target,
                    Objects.requireNonNullElse(entry.description(), ""), image.type());
            try {
                images.aliases().insert(project, alias.name(), alias);
            } catch (StateConflictException e) {
                throw ApiException.conflict("Alias \"" + alias.name() + "\" already exists");
            }
            lifecycle.emit("image-alias-created", PREFIX + alias.name(), project, request.caller().requestor(),
                    Map.of("target", target));
            return new ApiResponse.Created(PREFIX + alias.name());
        });
    }

    private Future<ApiResponse> update(Request request, boolean replace) {
        ImageAliasesEntryPut put = request.body(ImageAliasesEntryPut.class);
        String project = Projects.fromRequest(request);
        String name = request.pathParam("name");
        String ifMatch = request.ifMatch();
        return request.blocking(() -> {
            synchronized (images) {
                AliasRecord current = find(project, name);
                if (ifMatch != null && !ifMatch.equals(etag(current))) {
                    throw ApiException.preconditionFailed("ETag doesn't match");
                }
                String target = put.target() == null || put.target().isEmpty()
                        ? (replace ? null : current.target()) : images.find(project, put.target()).fingerprint();
                if (target == null) {
                    throw ApiException.badRequest("The alias needs a target");
                }
                String description = put.description() == null ? (replace ? "" : current.description())
                        : put.description();
                images.aliases().update(project, name, new AliasRecord(name, target, description, current.type()));
            }
            lifecycle.emit("image-alias-updated", PREFIX + name, project, request.caller().requestor(), null);
            return ApiResponse.empty();
        });
    }

    private Future<ApiResponse> rename(Request request) {
        NamePost post = request.body(NamePost.class);
        String project = Projects.fromRequest(request);
        String name = request.pathParam("name");
        Names.checkObject("Alias", post.name());
        return request.blocking(() -> {
            synchronized (images) {
                AliasRecord current = find(project, name);
                try {
                    images.aliases().rename(project, name, post.name(),
                            new AliasRecord(post.name(), current.target(), current.description(), current.type()));
                } catch (StateConflictException e) {
                    throw ApiException.conflict("Alias \"" + post.name() + "\" already exists");
                }
            }
            lifecycle.emit("image-alias-renamed", PREFIX + post.name(), project, request.caller().requestor(),
                    Map.of("old_name", name));
            return new ApiResponse.Created(PREFIX + post.name());
        });
    }

    private Future<ApiResponse> delete(Request request) {
        String project = Projects.fromRequest(request);
        String name = request.pathParam("name");
        return request.blocking(() -> {
            if (!images.aliases().delete(project, name)) {
                throw ApiException.notFound("Image alias not found");
            }
            lifecycle.emit("image-alias-deleted", PREFIX + name, project, request.caller().requestor(), null);
            return ApiResponse.empty();
        });
    }

    private AliasRecord find(String project, String name) {
        return images.aliases().get(project, name).orElseThrow(() -> ApiException.notFound("Image alias not found"));
    }

    private static ImageAliasesEntry toApi(AliasRecord alias) {
        return new ImageAliasesEntry(alias.name(), alias.description(), alias.target(), alias.type());
    }

    private static String etag(AliasRecord alias) {
        return Etags.of(List.of(alias.description(), alias.target()));
    }
}
