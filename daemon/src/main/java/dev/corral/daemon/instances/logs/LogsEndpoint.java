package dev.corral.daemon.instances.logs;

import dev.corral.api.ApiException;
import dev.corral.api.Requestor;
import dev.corral.daemon.events.Lifecycle;
import dev.corral.daemon.http.Access;
import dev.corral.daemon.http.ApiResponse;
import dev.corral.daemon.http.Endpoint;
import dev.corral.daemon.http.Request;
import dev.corral.daemon.http.Route;
import dev.corral.daemon.instances.InstanceService;
import dev.corral.daemon.instances.InstancesEndpoint;
import dev.corral.daemon.projects.Projects;
import io.vertx.core.Future;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code /1.0/instances/{name}/logs[/{filename}]} (and the {@code /1.0/containers} spelling), as Incus 6.0 serves
 * them: the list of log file URLs, one file (raw), and deleting one. Only the names {@link LogFiles} allows are
 * listed, served or deleted: any other name is a 400 ("Log file name ... not valid"), a valid one that does not
 * exist a 404; lxc.log may not be deleted (400). Only regular files are served, never what a symbolic link names.
 *
 * <p>Lifecycle events as Incus's: {@code instance-log-retrieved} and {@code instance-log-deleted}, with the
 * requestor. Their {@code source} is {@code /1.0/instances/<name>/backups/<file>}: Incus 6.0 builds it so (sic),
 * and clients that match on it see the same here.
 *
 * <p>Must be registered after the exec endpoint: {@code /logs/exec-output} is that one's.
 */
public final class LogsEndpoint implements Endpoint {

    private final InstanceService instances;
    private final Lifecycle lifecycle;

    public LogsEndpoint(InstanceService instances, Lifecycle lifecycle) {
        this.instances = instances;
        this.lifecycle = lifecycle;
    }

    @Override
    public List<Route> routes() {
        List<Route> routes = new ArrayList<>();
        for (String base : InstancesEndpoint.BASES) {
            routes.add(Route.get(base + "/{name}/logs", Access.PROJECT, this::list));
            String file = base + "/{name}/logs/{filename}";
            routes.add(Route.get(file, Access.PROJECT, this::get));
            routes.add(Route.delete(file, Access.PROJECT, this::delete));
        }
        return routes;
    }

    private Future<ApiResponse> list(Request request) {
        String project = Projects.fromRequest(request);
        String name = request.pathParam("name");
        return request.blocking(() -> {
            Path dir = logDir(project, name);
            List<String> urls = new ArrayList<>();
            if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                try (Stream<Path> files = Files.list(dir)) {
                    files.filter(f -> Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS))
                            .map(f -> f.getFileName().toString()).filter(LogFiles::valid).sorted()
                            .forEach(f -> urls.add(url(name, f)));
                }
            }
            return ApiResponse.sync(urls);
        });
    }

    private Future<ApiResponse> get(Request request) {
        String project = Projects.fromRequest(request);
        String name = request.pathParam("name");
        String file = request.pathParam("filename");
        Requestor requestor = request.caller().requestor();
        return request.blocking(() -> {
            Path dir = logDir(project, name);
            checkName(file);
            Path path = dir.resolve(file);
            if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
                throw notFound(file);
            }
            lifecycle.emit("instance-log-retrieved", eventSource(name, file), project, requestor, null);
            return new ApiResponse.Files(List.of(path), List.of(file));
        });
    }

    private Future<ApiResponse> delete(Request request) {
        String project = Projects.fromRequest(request);
        String name = request.pathParam("name");
        String file = request.pathParam("filename");
        Requestor requestor = request.caller().requestor();
        return request.blocking(() -> {
            Path dir = logDir(project, name);
            checkName(file);
            if (!LogFiles.deletable(file)) {
                throw ApiException.badRequest("Only log files excluding qemu.log and lxc.log may be deleted");
            }
            Path path = dir.resolve(file);
            try {
                if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                    throw notFound(file);
                }
                Files.delete(path);
            } catch (NoSuchFileException e) {
                throw notFound(file);
            } catch (IOException e) {
                throw ApiException.internal("cannot delete log file " + file + ": " + e.getMessage(), e);
            }
            lifecycle.emit("instance-log-deleted", eventSource(name, file), project, requestor, null);
            return ApiResponse.empty();
        });
    }

    /** The instance's log directory; 404 when there is no such instance. */
    private Path logDir(String project, String name) {
        return instances.target(project, name).spec().logDir();
    }

    private static void checkName(String file) {
        if (!LogFiles.valid(file)) {
            throw ApiException.badRequest("Log file name \"" + file + "\" not valid");
        }
    }

    private static ApiException notFound(String file) {
        return ApiException.notFound("Log file \"" + file + "\" not found");
    }

    static String url(String instance, String file) {
        return "/1.0/instances/" + instance + "/logs/" + file;
    }

    private static String eventSource(String instance, String file) {
        return "/1.0/instances/" + instance + "/backups/" + file;
    }
}
