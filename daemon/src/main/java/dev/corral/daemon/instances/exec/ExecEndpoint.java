package dev.corral.daemon.instances.exec;

import dev.corral.api.ApiException;
import dev.corral.api.Operation;
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
import dev.corral.instance.Exec;
import dev.corral.instance.ExecRequest;
import dev.corral.instance.InstanceSpec;
import dev.corral.instance.InstanceStatus;
import dev.corral.instance.InstanceType;
import dev.corral.operations.OperationRegistry;
import dev.corral.operations.OperationSpec;
import dev.corral.operations.Streams;
import io.vertx.core.Future;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code POST /1.0/instances/{name}/exec}: commands inside instances, as Incus 6.0 runs them, and the files of
 * recorded output ({@code /1.0/instances/{name}/logs/exec-output[/{file}]}). LXD's {@code /1.0/containers} spelling
 * is served too.
 *
 * <ul>
 *   <li>With {@code wait-for-websocket}: a websocket operation whose {@code fds} are {@code 0}, {@code 1},
 *       {@code 2} and {@code control} (interactive: {@code 0}, a terminal inside the instance, and
 *       {@code control}); {@link ExecSession} runs the command once the required streams are connected.</li>
 *   <li>Without: a task operation; no input, and the output discarded, or with {@code record-output} written to
 *       {@code <log dir>/exec-output/exec_<operation>.stdout|.stderr}, named in the metadata's {@code output}.</li>
 * </ul>
 * Either way the exit status ends in the metadata's {@code return}; 127 and 126 fail the operation with "Command not
 * found" and "Command not executable", as Incus does.
 *
 * <p>What the command sees is settled here, as Incus settles it: the instance's {@code environment.*} config under
 * the request's {@code environment}, then {@code PATH}, {@code HOME} and {@code USER} (for root) and {@code LANG}
 * where still unset; the working directory is {@code cwd}, else {@code HOME}, else {@code /}.
 */
public final class ExecEndpoint implements Endpoint {

    static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    static final String OUTPUT_DIR = "exec-output";
    /** What Corral names recorded output ({@code exec_<operation uuid>.stdout}), and nothing with a path in it. */
    private static final Pattern OUTPUT_FILE = Pattern.compile("exec_[A-Za-z0-9_-]+\\.(stdout|stderr)");
    private static final long MAX_UINT32 = 0xffff_ffffL;

    private final InstanceService instances;
    private final OperationRegistry operations;
    private final Lifecycle lifecycle;

    public ExecEndpoint(InstanceService instances, OperationRegistry operations, Lifecycle lifecycle) {
        this.instances = instances;
        this.operations = operations;
        this.lifecycle = lifecycle;
    }

    @Override
    public List<Route> routes() {
        List<Route> routes = new ArrayList<>();
        for (String base : InstancesEndpoint.BASES) {
            routes.add(Route.post(base + "/{name}/exec", Access.PROJECT, this::exec));
            routes.add(Route.get(base + "/{name}/logs/exec-output", Access.PROJECT, this::outputs));
            String file = base + "/{name}/logs/exec-output/{filename}";
            routes.add(Route.get(file, Access.PROJECT, this::output));
            routes.add(Route.delete(file, Access.PROJECT, this::deleteOutput));
        }
        return routes;
    }

    // ---- POST /exec

    private Future<ApiResponse> exec(Request request) {
        ExecPost post = request.body(ExecPost.class);
        String project = Projects.fromRequest(request);
        String name = request.pathParam("name");
        check(post);
        return request.blocking(() -> {
            InstanceService.Target target = instances.target(project, name);
            if (target.status() == InstanceStatus.FROZEN || target.status() == InstanceStatus.FREEZING) {
                throw ApiException.badRequest("Instance is frozen");
            }
            if (target.status() != InstanceStatus.RUNNING) {
                throw ApiException.badRequest("Instance is not running");
            }
            Exec exec = target.driver().capability(Exec.class).orElseThrow(() -> ApiException.badRequest(
                    "Exec is not supported for instances of type " + target.record().type()));
            Map<String, String> environment = environment(target.spec(), post);
            long user = post.user() == null ? 0 : post.user();
            long group = post.group() == null ? 0 : post.group();
            ExecRequest command = new ExecRequest(post.command(), environment, user, group,
                    cwd(post.cwd(), environment));
            String url = "/1.0/instances/" + name;
            Requestor requestor = request.caller().requestor();
            // as Incus: announced once the command runs, with the command and the requestor
            Runnable started = () -> lifecycle.emit("instance-exec", url, project, requestor,
                    Map.of("command", command.command()));
            Operation op;
            if (post.websockets()) {
                boolean interactive = post.isInteractive();
                Streams streams = interactive ? new Streams("0", ExecSession.CONTROL)
                        : new Streams("0", "1", "2", ExecSession.CONTROL);
                ExecSession session = new ExecSession(exec, target.spec(), command, interactive,
                        size(post.width()), size(post.height()), streams, started);
                op = operations.submit(OperationSpec.websocket("Executing command", streams, session::run)
                        .project(project).resource("instances", url)
                        .metadata("command", command.command())
                        .metadata("environment", environment)
                        .metadata("interactive", interactive));
            } else {
                ExecTask task = new ExecTask(exec, target.spec(), command, post.recording(), name, started);
                op = operations.submit(OperationSpec.task("Executing command", task::run)
                        .project(project).resource("instances", url).resource("containers", url));
            }
            return new ApiResponse.Async(op);
        });
    }

    /** The checks Incus makes, and what Java and the kernel cannot pass (NUL bytes, names with '='). */
    private static void check(ExecPost post) {
        if (post.recording() && post.websockets()) {
            throw ApiException.badRequest("Cannot use \"record-output\" in combination with \"wait-for-websocket\"");
        }
        if (post.isInteractive() && post.recording()) {
            throw ApiException.badRequest("Cannot use \"interactive\" in combination with \"record-output\"");
        }
        if (post.command() == null || post.command().isEmpty() || post.command().get(0) == null
                || post.command().get(0).isEmpty()) {
            throw ApiException.badRequest("No command given");
        }
        for (String arg : post.command()) {
            if (arg == null || arg.indexOf('\0') >= 0) {
                throw ApiException.badRequest("Invalid command argument: null or with a NUL byte");
            }
        }
        if (post.environment() != null) {
            for (Map.Entry<String, String> variable : post.environment().entrySet()) {
                String key = variable.getKey();
                if (key.isEmpty() || key.indexOf('=') >= 0 || key.indexOf('\0') >= 0) {
                    throw ApiException.badRequest("Invalid environment variable name \"" + key + "\"");
                }
                if (variable.getValue() == null || variable.getValue().indexOf('\0') >= 0) {
                    throw ApiException.badRequest("Invalid value of environment variable \"" + key + "\"");
                }
            }
        }
        if (post.cwd() != null && post.cwd().indexOf('\0') >= 0) {
            throw ApiException.badRequest("Invalid working directory");
        }
        checkId("user", post.user());
        checkId("group", post.group());
        checkSize("width", post.width());
        checkSize("height", post.height());
    }

    private static void checkId(String field, Long id) {
        if (id != null && (id < 0 || id > MAX_UINT32)) {
            throw ApiException.badRequest("Invalid " + field + " " + id + ": must be between 0 and " + MAX_UINT32);
        }
    }

    private static void checkSize(String field, Long size) {
        if (size != null && (size < 0 || size > 0xffff)) {
            throw ApiException.badRequest("Invalid " + field + " " + size + ": must be between 0 and 65535");
        }
    }

    private static int size(Long value) {
        return value == null ? 0 : value.intValue();
    }

    /**
     * Incus's order: the request's variables, the instance's {@code environment.*} config where the request has
     * none of that name, then the defaults where still unset.
     */
    static Map<String, String> environment(InstanceSpec spec, ExecPost post) {
        Map<String, String> env = new LinkedHashMap<>(post.environment() == null ? Map.of() : post.environment());
        for (Map.Entry<String, String> entry : spec.config().entrySet()) {
            if (entry.getKey().startsWith("environment.")) {
                env.putIfAbsent(entry.getKey().substring("environment.".length()), entry.getValue());
            }
        }
        if (!env.containsKey("PATH")) {
            String path = DEFAULT_PATH;
            if (spec.type() == InstanceType.CONTAINER) {
                // as Incus: snap and NixOS paths where the instance has them
                if (Files.exists(spec.rootfs().resolve("snap"))) {
                    path += ":/snap/bin";
                }
                if (Files.exists(spec.rootfs().resolve("etc/NIXOS"))) {
                    path += ":/run/current-system/sw/bin";
                }
            }
            env.put("PATH", path);
        }
        if (post.user() == null || post.user() == 0) {
            env.putIfAbsent("HOME", "/root");
            env.putIfAbsent("USER", "root");
        }
        env.putIfAbsent("LANG", "C.UTF-8");
        return env;
    }

    /** The request's directory, else {@code HOME}, else {@code /}; relative ones are taken from {@code /}. */
    static String cwd(String requested, Map<String, String> environment) {
        String cwd = requested != null && !requested.isEmpty() ? requested : environment.getOrDefault("HOME", "");
        if (cwd.isEmpty()) {
            return "/";
        }
        return cwd.startsWith("/") ? cwd : "/" + cwd;
    }

    // ---- recorded output

    private Future<ApiResponse> outputs(Request request) {
        String project = Projects.fromRequest(request);
        String name = request.pathParam("name");
        return request.blocking(() -> {
            Path dir = outputDir(instances.target(project, name).spec());
            List<String> urls = new ArrayList<>();
            if (Files.isDirectory(dir)) {
                try (Stream<Path> files = Files.list(dir)) {
                    files.map(f -> f.getFileName().toString()).filter(f -> OUTPUT_FILE.matcher(f).matches())
                            .sorted().forEach(f -> urls.add(outputUrl(name, f)));
                }
            }
            return ApiResponse.sync(urls);
        });
    }

    private Future<ApiResponse> output(Request request) {
        String project = Projects.fromRequest(request);
        String name = request.pathParam("name");
        String file = checkedFile(request.pathParam("filename"));
        Requestor requestor = request.caller().requestor();
        return request.blocking(() -> {
            Path path = outputDir(instances.target(project, name).spec()).resolve(file);
            if (!Files.isRegularFile(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                throw ApiException.notFound("Exec record-output file \"" + file + "\" not found");
            }
            lifecycle.emit("instance-log-retrieved", logEventSource(name, file), project, requestor, null);
            return new ApiResponse.Files(List.of(path), List.of(file));
        });
    }

    private Future<ApiResponse> deleteOutput(Request request) {
        String project = Projects.fromRequest(request);
        String name = request.pathParam("name");
        String file = checkedFile(request.pathParam("filename"));
        Requestor requestor = request.caller().requestor();
        return request.blocking(() -> {
            Path path = outputDir(instances.target(project, name).spec()).resolve(file);
            try {
                Files.delete(path);
            } catch (NoSuchFileException e) {
                throw ApiException.notFound("Exec record-output file \"" + file + "\" not found");
            } catch (IOException e) {
                throw ApiException.internal("cannot delete " + file, e);
            }
            lifecycle.emit("instance-log-deleted", logEventSource(name, file), project, requestor, null);
            return ApiResponse.empty();
        });
    }

    private static String checkedFile(String file) {
        if (file == null || !OUTPUT_FILE.matcher(file).matches()) {
            throw ApiException.badRequest("Exec record-output file name \"" + file + "\" not valid");
        }
        return file;
    }

    static Path outputDir(InstanceSpec spec) {
        return spec.logDir().resolve(OUTPUT_DIR);
    }

    /** Incus 6.0's source for log events, {@code /1.0/instances/<name>/backups/<file>} (sic), kept as it is. */
    private static String logEventSource(String instance, String file) {
        return "/1.0/instances/" + instance + "/backups/" + file;
    }

    static String outputUrl(String instance, String file) {
        return "/1.0/instances/" + instance + "/logs/" + OUTPUT_DIR + "/" + file;
    }
}
