package dev.corral.daemon.images;

import dev.corral.api.ApiException;
import dev.corral.api.ImagePut;
import dev.corral.daemon.events.Lifecycle;
import dev.corral.daemon.http.Access;
import dev.corral.daemon.http.ApiResponse;
import dev.corral.daemon.http.Endpoint;
import dev.corral.daemon.http.Etags;
import dev.corral.daemon.http.ListFilter;
import dev.corral.daemon.http.Request;
import dev.corral.daemon.http.Route;
import dev.corral.daemon.projects.Projects;
import dev.corral.operations.OperationRegistry;
import dev.corral.operations.OperationSpec;
import dev.corral.operations.Progress;
import dev.corral.storage.ImageStore;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code /1.0/images}: upload, list, show, update, export and delete images. */
public final class ImagesEndpoint implements Endpoint {

    private static final String PREFIX = "/1.0/images/";

    private final Images images;
    private final ImageStore files;
    private final ImageUploads uploads;
    private final OperationRegistry operations;
    private final Lifecycle lifecycle;

    public ImagesEndpoint(Images images, ImageStore files, ImageUploads uploads, OperationRegistry operations,
            Lifecycle lifecycle) {
        this.images = images;
        this.files = files;
        this.uploads = uploads;
        this.operations = operations;
        this.lifecycle = lifecycle;
    }

    @Override
    public List<Route> routes() {
        return List.of(
                Route.get("/1.0/images", Access.SHARED_READ, this::list),
                Route.upload("/1.0/images", Access.PROJECT, this::upload),
                Route.get("/1.0/images/{fingerprint}", Access.SHARED_READ, this::get),
                Route.put("/1.0/images/{fingerprint}", Access.PROJECT, request -> update(request, true)),
                Route.patch("/1.0/images/{fingerprint}", Access.PROJECT, request -> update(request, false)),
                Route.delete("/1.0/images/{fingerprint}", Access.PROJECT, this::delete),
                Route.get("/1.0/images/{fingerprint}/export", Access.SHARED_READ, this::export));
    }

    private Future<ApiResponse> list(Request request) {
        int recursion = request.recursion(1);
        String project = Projects.fromRequest(request);
        String filterText = request.query("filter");
        ListFilter filter = filterText == null || filterText.isBlank() ? null : ListFilter.parse(filterText);
        return request.blocking(() -> {
            List<Object> result = new ArrayList<>();
            for (ImageRecord image : images.list(project)) {
                var api = images.toApi(project, image);
                if (filter == null || filter.matches(api)) {
                    result.add(recursion == 0 ? PREFIX + image.fingerprint() : api);
                }
            }
            return ApiResponse.sync(result);
        });
    }

    private Future<ApiResponse> get(Request request) {
        String project = Projects.fromRequest(request);
        String fingerprint = request.pathParam("fingerprint");
        return request.blocking(() -> {
            ImageRecord image = images.find(project, fingerprint);
            return new ApiResponse.Sync(images.toApi(project, image), etag(image));
        });
    }

    /** Receives the upload into temporary files, then imports it in an operation. */
    private Future<ApiResponse> upload(Request request) {
        String project = Projects.fromRequest(request);
        return uploads.receive(request).map(upload -> new ApiResponse.Async(operations.submit(
                OperationSpec.task("Downloading image", context -> {
                    ImageRecord image = uploads.complete(project, upload, (stage, done, total) -> {
                        int percent = dev.corral.storage.Progress.percent(done, total);
                        if (percent >= 0) {
                            context.updateMetadata(Progress.of("image_import", "Importing image", percent));
                        }
                    });
                    context.updateMetadata(Map.of("fingerprint", image.fingerprint(),
                            "size", Long.toString(image.size())));
                    lifecycle.emit("image-created", PREFIX + image.fingerprint(), project,
                            request.caller().requestor(), null);
                }).project(project))));
    }

    private Future<ApiResponse> update(Request request, boolean replace) {
        ImagePut put = request.body(ImagePut.class);
        String project = Projects.fromRequest(request);
        String fingerprint = request.pathParam("fingerprint");
        String ifMatch = request.ifMatch();
        return request.blocking(() -> {
            synchronized (images) {
                ImageRecord current = images.find(project, fingerprint);
                if (ifMatch != null && !ifMatch.equals(etag(current))) {
                    throw ApiException.preconditionFailed("ETag doesn't match");
                }
                images.update(project, current.withWritable(
                        put.isPublic() == null ? !replace && current.isPublic() : put.isPublic(),
                        put.autoUpdate() == null ? !replace && current.autoUpdate() : put.autoUpdate(),
                        put.properties() == null ? (replace ? Map.of() : current.properties()) : put.properties(),
                        put.expiresAt() == null ? current.expiresAt() : put.expiresAt(),
                        put.profiles() == null ? current.profiles() : put.profiles()));
                lifecycle.emit("image-updated", PREFIX + current.fingerprint(), project,
                        request.caller().requestor(), null);
            }
            return ApiResponse.empty();
        });
    }

    private Future<ApiResponse> delete(Request request) {
        String project = Projects.fromRequest(request);
        String fingerprint = request.pathParam("fingerprint");
        return request.blocking(() -> {
            ImageRecord image = images.find(project, fingerprint);
            return new ApiResponse.Async(operations.submit(OperationSpec.task("Deleting image", context -> {
                synchronized (images) {
                    images.remove(project, image.fingerprint());
                }
                files.delete(image.fingerprint());
                lifecycle.emit("image-deleted", PREFIX + image.fingerprint(), project, request.caller().requestor(),
                        null);
            }).project(project).resource("images", PREFIX + image.fingerprint())));
        });
    }

    private Future<ApiResponse> export(Request request) {
        String project = Projects.fromRequest(request);
        String fingerprint = request.pathParam("fingerprint");
        return request.blocking(() -> {
            ImageRecord image = images.find(project, fingerprint);
            var stored = files.files(image.fingerprint());
            var parts = stored.split() ? List.of(stored.metadata(), stored.rootfs()) : List.of(stored.metadata());
            return new ApiResponse.Files(parts.stream().map(part -> part.path()).toList(),
                    parts.stream().map(part -> part.field()).toList());
        });
    }

    private static String etag(ImageRecord image) {
        return Etags.of(List.of(image.autoUpdate(), image.properties(), image.isPublic(),
                String.valueOf(image.expiresAt()), image.profiles()));
    }
}
