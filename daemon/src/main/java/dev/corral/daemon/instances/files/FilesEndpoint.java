package dev.corral.daemon.instances.files;

import dev.corral.api.ApiException;
import dev.corral.daemon.events.Lifecycle;
import dev.corral.daemon.http.Access;
import dev.corral.daemon.http.ApiResponse;
import dev.corral.daemon.http.Endpoint;
import dev.corral.daemon.http.Request;
import dev.corral.daemon.http.Route;
import dev.corral.daemon.instances.InstanceService;
import dev.corral.daemon.instances.InstancesEndpoint;
import dev.corral.daemon.projects.Projects;
import dev.corral.instance.InstanceFiles;
import dev.corral.operations.OperationRegistry;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /1.0/instances/{name}/files} and {@code /sftp} (and their {@code /1.0/containers} twins): files inside
 * instances, as Incus serves them.
 *
 * <ul>
 *   <li>{@code GET ?path=}: a file's contents, a directory's names (a sync answer), a link's target (made absolute,
 *       as Incus does); {@code X-Incus-uid/gid/mode/type/modified} (and {@code X-LXD-*}) describe it. {@code HEAD}:
 *       the same headers only.</li>
 *   <li>{@code POST ?path=}: the body becomes a file ({@code X-Incus-write: overwrite|append}), a directory or a
 *       link ({@code X-Incus-type}); uid, gid and mode apply to what is created.</li>
 *   <li>{@code DELETE ?path=}: a file, link or empty directory.</li>
 *   <li>{@code GET /sftp} with {@code Upgrade: sftp}: 101, then SFTP on the connection ({@link SftpServer}).</li>
 * </ul>
 *
 * <p>Everything goes through the driver's {@link InstanceFiles} (paths resolved inside the instance, ids mapped),
 * on the {@value #POOL} pool of {@value #WORKERS} threads: bodies stream through with bounded buffers both ways.
 */
public final class FilesEndpoint implements Endpoint {

    private static final Logger LOG = LoggerFactory.getLogger(FilesEndpoint.class);
    static final String POOL = "corral-files";
    static final int WORKERS = 16;
    /** The largest link target accepted (PATH_MAX). */
    private static final int MAX_LINK = 4096;

    private final InstanceService instances;
    private final OperationRegistry operations;
    private final Lifecycle lifecycle;
    private final SftpServer sftp = new SftpServer();
    private volatile WorkerExecutor workers;

    public FilesEndpoint(InstanceService instances, OperationRegistry operations, Lifecycle lifecycle) {
        this.instances = instances;
        this.operations = operations;
        this.lifecycle = lifecycle;
    }

    /**
     * As Incus: {@code instance-file-retrieved}, {@code -pushed} and {@code -deleted} with the path as context and
     * no requestor, for the REST API (HEAD and SFTP announce nothing).
     */
    private void announce(String action, String project, String name, String path) {
        lifecycle.emit(action, "/1.0/instances/" + name, project, null, Map.of("path", path));
    }

    @Override
    public List<Route> routes() {
        List<Route> routes = new ArrayList<>();
        for (String base : InstancesEndpoint.BASES) {
            String files = base + "/{name}/files";
            routes.add(Route.get(files, Access.PROJECT, request -> get(request, false)));
            routes.add(new Route(HttpMethod.HEAD, files, Access.PROJECT, Route.DEFAULT_BODY_LIMIT,
                    request -> get(request, true)));
            routes.add(Route.upload(files, Access.PROJECT, this::post));
            routes.add(Route.delete(files, Access.PROJECT, this::delete));
            routes.add(Route.get(base + "/{name}/sftp", Access.PROJECT, this::sftp));
        }
        return routes;
    }

    // ---- GET and HEAD ----

    /** What a GET found, prepared on a worker; written on the event loop. */
    private sealed interface Found {
        Map<String, String> headers();
    }

    private record Listing(Map<String, String> headers, List<String> names) implements Found {
    }

    private record Content(Map<String, String> headers, String name, byte[] body) implements Found {
    }

    private record Contents(Map<String, String> headers, String name, FileChannel file, long length)
            implements Found {
    }

    private Future<ApiResponse> get(Request request, boolean head) {
        String project = Projects.fromRequest(request);
        String name = request.pathParam("name");
        String path = path(request);
        HttpServerResponse response = request.raw().response();
        return work(request, () -> {
            try (FileSystem fs = open(project, name)) {
                Found found = find(fs.getPath(path), head);
                if (!head) {
                    announce("instance-file-retrieved", project, name, path);
                }
                return found;
            } catch (IOException e) {
                throw failure(e, path);
            }
        }).compose(found -> {
            found.headers().forEach(response::putHeader);
            if (found instanceof Listing listing) {
                return Future.succeededFuture(ApiResponse.sync(listing.names()));
            }
            if (found instanceof Content content) {
                body(response, content.name());
                if (head) {
                    response.putHeader("Content-Length", Integer.toString(content.body().length)).end();
                } else {
                    response.end(Buffer.buffer(content.body()));
                }
                return Future.succeededFuture(new ApiResponse.Upgraded());
            }
            return send(request, response, (Contents) found, head);
        });
    }

    private static Found find(Path p, boolean head) throws IOException {
        Map<String, Object> a = Files.readAttributes(p, "unix:*", LinkOption.NOFOLLOW_LINKS);
        String type = Boolean.TRUE.equals(a.get("isDirectory")) ? FileHeaders.DIRECTORY
                : Boolean.TRUE.equals(a.get("isSymbolicLink")) ? FileHeaders.SYMLINK
                : Boolean.TRUE.equals(a.get("isRegularFile")) ? FileHeaders.FILE : null;
        if (type == null) {
            throw new FileSystemException(p.toString(), null, "not a regular file, directory or link");
        }
        Map<String, String> headers = FileHeaders.describe(((Number) a.get("uid")).longValue(),
                ((Number) a.get("gid")).longValue(), ((Number) a.get("mode")).intValue(), type,
                (FileTime) a.get("lastModifiedTime"));
        String fileName = p.getFileName() == null ? "/" : p.getFileName().toString();
        switch (type) {
            case FileHeaders.DIRECTORY: {
                List<String> names = new ArrayList<>();
                if (!head) {
                    try (var entries = Files.newDirectoryStream(p)) {
                        entries.forEach(entry -> names.add(entry.getFileName().toString()));
                    }
                }
                return new Listing(headers, names);
            }
            case FileHeaders.SYMLINK: {
                // As Incus: the target joined to the link's directory and cleaned, not followed.
                String target = Files.readSymbolicLink(p).toString();
                Path base = p.toAbsolutePath().normalize().getParent();
                String shown = target.startsWith("/") ? p.getFileSystem().getPath(target).normalize().toString()
                        : base.resolve(target).normalize().toString();
                return new Content(headers, fileName, shown.getBytes(StandardCharsets.UTF_8));
            }
            default: {
                long size = ((Number) a.get("size")).longValue();
                FileChannel file = head ? null : FileChannel.open(p, StandardOpenOption.READ);
                return new Contents(headers, fileName, file, size);
            }
        }
    }

    private static void body(HttpServerResponse response, String name) {
        response.putHeader("Content-Type", "application/octet-stream")
                .putHeader("Content-Disposition", "inline;filename=" + name.replaceAll("[\";\\r\\n]", "_"));
    }

    private Future<ApiResponse> send(Request request, HttpServerResponse response, Contents contents,
            boolean head) {
        body(response, contents.name());
        response.putHeader("Content-Length", Long.toString(contents.length()));
        if (head) {
            response.end();
            return Future.succeededFuture(new ApiResponse.Upgraded());
        }
        workers(request).executeBlocking(() -> {
            try (FileChannel file = contents.file()) {
                FileDownload.stream(file, contents.length(), response);
            } catch (IOException | RuntimeException e) {
                LOG.debug("file download ended early", e);
                response.reset(); // the headers are out: all that is left is to cut the connection
            }
            return null;
        }, false);
        return Future.succeededFuture(new ApiResponse.Upgraded());
    }

    // ---- POST ----

    private Future<ApiResponse> post(Request request) {
        String project;
        String name = request.pathParam("name");
        String path;
        FileHeaders headers;
        try {
            project = Projects.fromRequest(request);
            path = path(request);
            headers = FileHeaders.parse(request.raw().headers());
        } catch (ApiException e) {
            request.raw().resume(); // the body is dropped
            throw e;
        }
        BodyStream body = BodyStream.attach(request.raw(), request.vertx().getOrCreateContext());
        return work(request, () -> {
            try (FileSystem fs = open(project, name)) {
                write(fs.getPath(path), headers, body);
                announce("instance-file-pushed", project, name, path);
                return ApiResponse.empty();
            } catch (IOException e) {
                throw failure(e, path);
            } finally {
                body.drain();
            }
        });
    }

    /** As Incus: uid, gid and mode apply only to what this request creates. */
    private static void write(Path p, FileHeaders h, BodyStream body) throws IOException {
        boolean exists = Files.exists(p);
        switch (h.type()) {
            case FileHeaders.FILE -> {
                Set<OpenOption> options = h.write().equals("append")
                        ? Set.of(StandardOpenOption.WRITE, StandardOpenOption.APPEND)
                        : Set.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE,
                                StandardOpenOption.TRUNCATE_EXISTING);
                try (FileChannel file = FileChannel.open(p, options)) {
                    body.transferTo(Channels.newOutputStream(file));
                }
                if (!exists) {
                    owner(p, h);
                }
            }
            case FileHeaders.DIRECTORY -> {
                if (!exists) {
                    Files.createDirectory(p);
                    owner(p, h);
                }
            }
            default -> {
                byte[] target = body.readNBytes(MAX_LINK + 1);
                if (target.length > MAX_LINK) {
                    throw ApiException.badRequest("Symlink target too long");
                }
                String text = new String(target, StandardCharsets.UTF_8);
                if (Files.isSymbolicLink(p) && Files.readSymbolicLink(p).toString().equals(text)) {
                    return;
                }
                Files.createSymbolicLink(p, p.getFileSystem().getPath(text));
            }
        }
    }

    private static void owner(Path p, FileHeaders h) throws IOException {
        if (h.mode() >= 0) {
            Files.setAttribute(p, "unix:mode", h.mode());
        }
        if (h.uid() >= 0) {
            Files.setAttribute(p, "unix:uid", h.uid());
        }
        if (h.gid() >= 0) {
            Files.setAttribute(p, "unix:gid", h.gid());
        }
    }

    // ---- DELETE ----

    private Future<ApiResponse> delete(Request request) {
        String project = Projects.fromRequest(request);
        String name = request.pathParam("name");
        String path = path(request);
        return work(request, () -> {
            try (FileSystem fs = open(project, name)) {
                Files.delete(fs.getPath(path));
                announce("instance-file-deleted", project, name, path);
                return ApiResponse.empty();
            } catch (IOException e) {
                throw failure(e, path);
            }
        });
    }

    // ---- SFTP ----

    private Future<ApiResponse> sftp(Request request) {
        String upgrade = request.raw().getHeader("Upgrade");
        if (upgrade == null || !upgrade.equalsIgnoreCase("sftp")) {
            throw ApiException.badRequest("Missing or invalid upgrade header");
        }
        String project = Projects.fromRequest(request);
        String name = request.pathParam("name");
        SftpServer.Permit permit = sftp.permit();
        return work(request, () -> {
            SftpServer.prepare();
            return open(project, name);
        }).compose(fs -> {
            HttpServerResponse response = request.raw().response();
            response.putHeader("Upgrade", "sftp").putHeader("Connection", "Upgrade");
            return request.raw().toNetSocket()
                    .map(socket -> {
                        sftp.serve(socket, fs, name, permit);
                        return (ApiResponse) new ApiResponse.Upgraded();
                    })
                    .onFailure(e -> closeQuietly(fs));
        }).onFailure(e -> permit.close());
    }

    // ---- helpers ----

    private static String path(Request request) {
        String path = request.query("path");
        if (path == null || path.isEmpty()) {
            throw ApiException.badRequest("Missing path argument");
        }
        return path;
    }

    private FileSystem open(String project, String name) throws IOException {
        InstanceService.Target target = instances.target(project, name);
        InstanceFiles files = target.driver().capability(InstanceFiles.class).orElseThrow(() ->
                ApiException.badRequest("Files are not supported for instances of type " + target.record().type()));
        return files.open(target.spec());
    }

    private <T> Future<T> work(Request request, Callable<T> task) {
        return workers(request).executeBlocking(task, false);
    }

    private WorkerExecutor workers(Request request) {
        WorkerExecutor w = workers;
        if (w == null) {
            synchronized (this) {
                if (workers == null) {
                    workers = request.vertx().createSharedWorkerExecutor(POOL, WORKERS);
                }
                w = workers;
            }
        }
        return w;
    }

    /** A file system error as the answer a client can act on. */
    static ApiException failure(IOException e, String path) {
        String reason = e instanceof FileSystemException fse && fse.getReason() != null ? ": " + fse.getReason()
                : "";
        if (e instanceof NoSuchFileException) {
            return ApiException.notFound("Not found: " + path);
        }
        if (e instanceof AccessDeniedException) {
            return ApiException.forbidden("Permission denied: " + path + reason);
        }
        if (e instanceof FileAlreadyExistsException) {
            return ApiException.conflict("Already exists: " + path);
        }
        if (e instanceof DirectoryNotEmptyException) {
            return ApiException.badRequest("Directory not empty: " + path);
        }
        if (e instanceof FileSystemException) {
            return ApiException.badRequest("Cannot use " + path + reason);
        }
        return ApiException.internal("File operation on " + path + " failed: " + e.getMessage(), e);
    }

    private static void closeQuietly(FileSystem fs) {
        try {
            fs.close();
        } catch (IOException e) {
            LOG.debug("cannot close instance files", e);
        }
    }
}
