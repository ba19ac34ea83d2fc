package dev.corral.daemon.storage;

import dev.corral.api.ApiException;
import dev.corral.api.StorageVolume;
import dev.corral.api.StorageVolumePost;
import dev.corral.api.StorageVolumePut;
import dev.corral.api.StorageVolumesPost;
import dev.corral.daemon.Names;
import dev.corral.daemon.events.Lifecycle;
import dev.corral.daemon.http.Access;
import dev.corral.daemon.http.ApiResponse;
import dev.corral.daemon.http.BodyFiles;
import dev.corral.daemon.http.Endpoint;
import dev.corral.daemon.http.Etags;
import dev.corral.daemon.http.Request;
import dev.corral.daemon.http.Route;
import dev.corral.daemon.projects.Projects;
import dev.corral.daemon.state.StateConflictException;
import dev.corral.instance.Sizes;
import dev.corral.operations.OperationRegistry;
import dev.corral.operations.OperationSpec;
import dev.corral.storage.CustomVolumes;
import io.vertx.core.Future;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code /1.0/storage-pools/{pool}/volumes}: custom volumes (filesystem, block, and ISO images imported with
 * {@code incus storage volume import --type=iso}), as Incus serves them. Instances' own volumes are listed with
 * them, but read only there.
 */
public final class StorageVolumesEndpoint implements Endpoint {

    private static final String VOLUMES = "/1.0/storage-pools/{pool}/volumes";
    private static final String CUSTOM = VOLUMES + "/custom";
    private static final String ONE = CUSTOM + "/{name}";
    /** A block volume's size when it sets none (Incus's default). */
    private static final long DEFAULT_BLOCK_SIZE = 10L << 30;
    private static final long MAX_JSON_BODY = 4L << 20;

    private final StorageVolumes volumes;
    private final OperationRegistry operations;
    private final Lifecycle lifecycle;
    private final Path scratch;

    public StorageVolumesEndpoint(StorageVolumes volumes, OperationRegistry operations, Lifecycle lifecycle,
            Path scratch) {
        this.volumes = volumes;
        this.operations = operations;
        this.lifecycle = lifecycle;
        this.scratch = scratch;
    }

    @Override
    public List<Route> routes() {
        return List.of(
                Route.get(VOLUMES, Access.PROJECT, request -> list(request, true)),
                Route.get(CUSTOM, Access.PROJECT, request -> list(request, false)),
                Route.upload(CUSTOM, Access.PROJECT, this::create),
                Route.get(ONE, Access.PROJECT, this::get),
                Route.put(ONE, Access.PROJECT, request -> update(request, true)),
                Route.patch(ONE, Access.PROJECT, request -> update(request, false)),
                Route.post(ONE, Access.PROJECT, this::rename),
                Route.delete(ONE, Access.PROJECT, this::delete));
    }

    private static String url(String pool, String name) {
        return "/1.0/storage-pools/" + pool + "/volumes/custom/" + name;
    }

    /** The custom volumes, and with {@code instances} the instances' own volumes too (Incus's order: those first). */
    private Future<ApiResponse> list(Request request, boolean instances) {
        String project = Projects.fromRequest(request);
        String pool = request.pathParam("pool");
        int recursion = request.recursion(1);
        return request.blocking(() -> {
            List<StorageVolume> all = new ArrayList<>();
            if (instances) {
                all.addAll(volumes.instanceVolumes(project, pool));
            }
            volumes.list(project, pool).forEach(v -> all.add(toApi(project, v)));
            return ApiResponse.sync(recursion == 0
                    ? all.stream().map(v -> "/1.0/storage-pools/" + pool + "/volumes/" + v.type() + "/" + v.name())
                            .toList()
                    : all);
        });
    }

    private Future<ApiResponse> get(Request request) {
        String project = Projects.fromRequest(request);
        String pool = request.pathParam("pool");
        String name = request.pathParam("name");
        return request.blocking(() -> {
            VolumeRecord volume = volumes.get(project, pool, name);
            return new ApiResponse.Sync(toApi(project, volume), etag(volume));
        });
    }

    /** A new empty volume (JSON), or an ISO image imported from the body ({@code X-Incus-type: iso}). */
    private Future<ApiResponse> create(Request request) {
        String project = Projects.fromRequest(request);
        String pool = request.pathParam("pool");
        String kind = Objects.requireNonNullElse(request.raw().getHeader("X-Incus-type"), "");
        if (!kind.isEmpty()) {
            return importIso(request, project, pool, kind);
        }
        // Checked on the event loop (cheap): only a valid request takes a worker thread.
        return request.bodyUpTo(MAX_JSON_BODY)
                .map(body -> checked(Request.parseJson(body, StorageVolumesPost.class)))
                .compose(post -> request.blocking(() -> createEmpty(request, project, pool, post)));
    }

    private ApiResponse createEmpty(Request request, String project, String pool, StorageVolumesPost post) {
        CustomVolumes.ContentType type = CustomVolumes.ContentType.of(post.contentType());
        Map<String, String> config = post.config() == null ? Map.of() : post.config();
        long size = size(config, type);
        VolumeRecord volume = new VolumeRecord(pool, post.name(), type.wireName(), post.description(), config,
                Instant.now().toString());
        add(project, volume, files -> files.create(project, volume.name(), type, size));
        lifecycle.emit("storage-volume-created", url(pool, volume.name()), project, request.caller().requestor(),
                null);
        return ApiResponse.empty();
    }

    /** A 400 for anything wrong with a new volume's request that needs no look at the pool. */
    private static StorageVolumesPost checked(StorageVolumesPost post) {
        if (post.type() != null && !post.type().isEmpty() && !post.type().equals("custom")) {
            throw ApiException.badRequest("Only custom storage volumes can be created");
        }
        if (post.source() != null && post.source().values().stream()
                .anyMatch(v -> v != null && !"".equals(v) && !Boolean.FALSE.equals(v))) {
            throw ApiException.badRequest("Copying and migrating storage volumes is not supported");
        }
        Names.checkObject("Storage volume", post.name());
        CustomVolumes.ContentType type = CustomVolumes.ContentType.of(post.contentType());
        if (type == null || type == CustomVolumes.ContentType.ISO) {
            throw ApiException.badRequest("Invalid content type \"" + post.contentType() + "\" (filesystem or"
                    + " block; ISO volumes are imported)");
        }
        size(post.config() == null ? Map.of() : post.config(), type);
        return post;
    }

    private Future<ApiResponse> importIso(Request request, String project, String pool, String kind) {
        String name = request.raw().getHeader("X-Incus-name");
        if (!kind.equals("iso")) {
            throw ApiException.badRequest("Unsupported volume import type \"" + kind + "\" (iso)");
        }
        Names.checkObject("Storage volume", name);
        volumes.files(pool);
        return BodyFiles.receive(request, scratch).map(body -> new ApiResponse.Async(operations.submit(
                OperationSpec.task("Importing ISO storage volume", context -> {
                    try {
                        VolumeRecord volume = new VolumeRecord(pool, name, "iso", "",
                                Map.of("size", Long.toString(Files.size(body))), Instant.now().toString());
                        add(project, volume, files -> files.importIso(project, name, body));
                        lifecycle.emit("storage-volume-created", url(pool, name), project,
                                request.caller().requestor(), null);
                    } finally {
                        Files.deleteIfExists(body);
                    }
                }).project(project).resource("storage_volumes", url(pool, name)))));
    }

    private interface Making {
        void make(CustomVolumes files);
    }

    /** Records the volume, then makes its files; the record goes again if they cannot be made. */
    private void add(String project, VolumeRecord volume, Making making) {
        CustomVolumes files = volumes.files(volume.pool());
        try {
            volumes.table().insert(project, VolumeRecord.key(volume.pool(), volume.name()), volume);
        } catch (StateConflictException e) {
            throw ApiException.conflict("Volume by that name already exists");
        }
        try {
            making.make(files);
        } catch (RuntimeException e) {
            volumes.table().delete(project, VolumeRecord.key(volume.pool(), volume.name()));
            throw e;
        }
    }

    private Future<ApiResponse> update(Request request, boolean replace) {
        String project = Projects.fromRequest(request);
        String pool = request.pathParam("pool");
        String name = request.pathParam("name");
        StorageVolumePut put = request.body(StorageVolumePut.class);
        String ifMatch = request.ifMatch();
        return request.blocking(() -> {
            if (put.restore() != null && !put.restore().isEmpty()) {
                throw ApiException.badRequest("Storage volume snapshots are not supported");
            }
            VolumeRecord current = volumes.get(project, pool, name);
            if (ifMatch != null && !ifMatch.equals(etag(current))) {
                throw ApiException.preconditionFailed("ETag doesn't match");
            }
            Map<String, String> config = new LinkedHashMap<>(replace ? Map.of() : current.config());
            if (put.config() != null) {
                put.config().forEach((key, value) -> {
                    if (value == null || value.isEmpty()) {
                        config.remove(key);
                    } else {
                        config.put(key, value);
                    }
                });
            }
            if (!Objects.equals(config.get("size"), current.config().get("size"))) {
                throw ApiException.badRequest("Changing the size of a storage volume is not supported");
            }
            String description = put.description() == null && !replace ? current.description() : put.description();
            volumes.table().update(project, VolumeRecord.key(pool, name), new VolumeRecord(pool, name,
                    current.contentType(), description, config, current.createdAt()));
            lifecycle.emit("storage-volume-updated", url(pool, name), project, request.caller().requestor(), null);
            return ApiResponse.empty();
        });
    }

    private Future<ApiResponse> rename(Request request) {
        String project = Projects.fromRequest(request);
        String pool = request.pathParam("pool");
        String name = request.pathParam("name");
        StorageVolumePost post = request.body(StorageVolumePost.class);
        return request.blocking(() -> {
            if (Boolean.TRUE.equals(post.migration()) || post.target() != null || post.pool() != null && !post.pool().isEmpty()
                    && !post.pool().equals(pool) || post.project() != null && !post.project().isEmpty()
                    && !post.project().equals(project)) {
                throw ApiException.badRequest("Moving storage volumes between pools or projects is not supported");
            }
            Names.checkObject("Storage volume", post.name());
            VolumeRecord current = volumes.get(project, pool, name);
            if (!volumes.usedBy(project, pool, name).isEmpty()) {
                throw ApiException.badRequest("Volume is still in use");
            }
            VolumeRecord renamed = new VolumeRecord(pool, post.name(), current.contentType(), current.description(),
                    current.config(), current.createdAt());
            try {
                volumes.table().rename(project, VolumeRecord.key(pool, name), VolumeRecord.key(pool, post.name()),
                        renamed);
            } catch (StateConflictException e) {
                throw ApiException.conflict("Volume by that name already exists");
            }
            volumes.files(pool).rename(project, name, post.name());
            lifecycle.emit("storage-volume-renamed", url(pool, post.name()), project, request.caller().requestor(),
                    Map.of("old_name", name));
            return ApiResponse.empty();
        });
    }

    private Future<ApiResponse> delete(Request request) {
        String project = Projects.fromRequest(request);
        String pool = request.pathParam("pool");
        String name = request.pathParam("name");
        return request.blocking(() -> {
            volumes.get(project, pool, name);
            if (!volumes.usedBy(project, pool, name).isEmpty()) {
                throw ApiException.badRequest("The storage volume is still in use");
            }
            volumes.files(pool).delete(project, name);
            volumes.table().delete(project, VolumeRecord.key(pool, name));
            lifecycle.emit("storage-volume-deleted", url(pool, name), project, request.caller().requestor(), null);
            return ApiResponse.empty();
        });
    }

    private StorageVolume toApi(String project, VolumeRecord volume) {
        return new StorageVolume(volume.config(), volume.description(), volume.name(), "custom",
                volumes.usedBy(project, volume.pool(), volume.name()), "none", volume.contentType(), project,
                volume.createdAt());
    }

    private static String etag(VolumeRecord volume) {
        return Etags.of(List.of(volume.config(), volume.description()));
    }

    /** A block volume's {@code size} (10GiB when unset); filesystem volumes on a dir pool have none. */
    private static long size(Map<String, String> config, CustomVolumes.ContentType type) {
        String value = config.get("size");
        if (value == null || value.isEmpty()) {
            return DEFAULT_BLOCK_SIZE;
        }
        long bytes = Sizes.parseBytes(value);
        if (bytes <= 0) {
            throw ApiException.badRequest("Invalid value for \"size\": \"" + value + "\"");
        }
        if (type == CustomVolumes.ContentType.FILESYSTEM) {
            throw ApiException.badRequest("Filesystem volumes on a dir pool have no size");
        }
        return bytes;
    }
}
