package dev.corral.daemon.instances.console;

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
import dev.corral.instance.InstanceConsole;
import dev.corral.instance.InstanceRef;
import dev.corral.instance.InstanceStatus;
import dev.corral.instance.InstanceType;
import dev.corral.operations.OperationRegistry;
import dev.corral.operations.OperationSpec;
import dev.corral.operations.Streams;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code /1.0/instances/{name}/console} (and LXD's {@code /1.0/containers} spelling), as Incus 6.0 serves it:
 *
 * <ul>
 *   <li>{@code POST}: attach. A websocket operation ("Showing console") with streams {@code 0} and {@code control}
 *       ({@link ConsoleAttachment}). One console session per instance: a second one is refused ("This console is
 *       already connected. Force is required to take it over.", a 500 as from Incus) unless it asks for
 *       {@code force}, which cancels the first.</li>
 *   <li>{@code GET}: the console log, raw ({@code application/octet-stream}): a running instance's output since the
 *       last read (the read consumes it), a stopped one's log file.</li>
 *   <li>{@code DELETE}: empties the console log.</li>
 * </ul>
 *
 * <p>Lifecycle events as Incus's: {@code instance-console} ({@code {"type":"console"}}, with the requestor) once
 * attached, {@code instance-console-retrieved} and {@code instance-console-reset} (no requestor) for the log of a
 * running instance.
 */
public final class ConsoleEndpoint implements Endpoint {

    static final String TYPE_CONSOLE = "console";
    static final String TYPE_VGA = "vga";
    /** How long a forced attach waits for the session it takes the console from to end. */
    private static final long TAKEOVER_WAIT_SECONDS = 10;

    private final InstanceService instances;
    private final OperationRegistry operations;
    private final Lifecycle lifecycle;
    /** The console operation of each instance that has one (its id), to refuse or take over a second attach. */
    private final ConcurrentMap<InstanceRef, Slot> sessions = new ConcurrentHashMap<>();

    public ConsoleEndpoint(InstanceService instances, OperationRegistry operations, Lifecycle lifecycle) {
        this.instances = instances;
        this.operations = operations;
        this.lifecycle = lifecycle;
    }

    @Override
    public List<Route> routes() {
        List<Route> routes = new ArrayList<>();
        for (String base : InstancesEndpoint.BASES) {
            String console = base + "/{name}/console";
            routes.add(Route.post(console, Access.PROJECT, this::attach));
            routes.add(Route.get(console, Access.PROJECT, this::log));
            routes.add(Route.delete(console, Access.PROJECT, this::clear));
        }
        return routes;
    }

    // ---- POST: attach

    private Future<ApiResponse> attach(Request request) {
        ConsolePost post = request.body(ConsolePost.class);
        String project = Projects.fromRequest(request);
        String name = request.pathParam("name");
        String type = post.typeOrDefault();
        if (!type.equals(TYPE_CONSOLE) && !type.equals(TYPE_VGA)) {
            throw ApiException.badRequest("Unknown console type \"" + type + "\"");
        }
        if (post.widthOrZero() < 0 || post.heightOrZero() < 0 || post.widthOrZero() > 0xffff
                || post.heightOrZero() > 0xffff) {
            throw ApiException.badRequest("Invalid console size " + post.widthOrZero() + "x" + post.heightOrZero());
        }
        Requestor requestor = request.caller().requestor();
        return request.blocking(() -> {
            InstanceService.Target target = instances.target(project, name);
            InstanceType instanceType = target.spec().type();
            if (type.equals(TYPE_VGA) && instanceType != InstanceType.VIRTUAL_MACHINE) {
                throw ApiException.badRequest("VGA console is only supported by virtual machines");
            }
            if (type.equals(TYPE_VGA)) {
                throw ApiException.badRequest("VGA console is not supported yet");
            }
            requireRunning(target.status());
            InstanceConsole console = capability(target);
            InstanceRef ref = target.spec().ref();
            takeOver(ref, Boolean.TRUE.equals(post.force()));
            Streams streams = new Streams(ConsoleAttachment.DATA, ConsoleAttachment.CONTROL);
            String url = "/1.0/instances/" + name;
            ConsoleAttachment attachment = new ConsoleAttachment(console, target.spec(), post.widthOrZero(),
                    post.heightOrZero(), streams, () -> lifecycle.emit("instance-console", url, project, requestor,
                            Map.of("type", TYPE_CONSOLE)));
            Slot slot = new Slot();
            if (sessions.putIfAbsent(ref, slot) != null) {
                throw alreadyConnected(); // another attach got in meanwhile
            }
            try {
                Operation op = operations.submit(OperationSpec.websocket("Showing console", streams,
                        attachment::run).project(project).resource("instances", url).cancellable());
                slot.operation = op.id();
                operations.whenFinished(op.id()).whenComplete((done, failure) -> sessions.remove(ref, slot));
                return new ApiResponse.Async(op);
            } catch (RuntimeException e) {
                sessions.remove(ref, slot);
                throw e;
            }
        });
    }

    /** The console session of one instance: its operation, once registered. */
    private static final class Slot {
        volatile String operation;
    }

    /** Refuses a second session, or (forced) cancels the one that holds the console and waits for its end. */
    private void takeOver(InstanceRef ref, boolean force) throws InterruptedException {
        Slot holder = sessions.get(ref);
        if (holder == null) {
            return;
        }
        String id = holder.operation;
        if (!force || id == null) {
            throw alreadyConnected();
        }
        try {
            operations.cancel(id);
            operations.whenFinished(id).get(TAKEOVER_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (ApiException | ExecutionException e) {
            // gone or finishing meanwhile
        } catch (TimeoutException e) {
            throw ApiException.internal("The console session being taken over did not end within "
                    + TAKEOVER_WAIT_SECONDS + "s", e);
        }
        sessions.remove(ref, holder);
    }

    private static ApiException alreadyConnected() {
        return new ApiException(500, "This console is already connected. Force is required to take it over.");
    }

    // ---- GET: the log

    private Future<ApiResponse> log(Request request) {
        String project = Projects.fromRequest(request);
        String name = request.pathParam("name");
        String type = request.query("type");
        if (type != null && !type.isEmpty() && !type.equals("log") && !type.equals(TYPE_VGA)) {
            throw new ApiException(500, "Invalid value for type parameter: " + type);
        }
        var response = request.raw().response();
        return request.blocking(() -> {
            InstanceService.Target target = instances.target(project, name);
            InstanceConsole console = capability(target);
            boolean running = target.status() != InstanceStatus.STOPPED;
            byte[] log;
            try {
                log = console.log(target.spec());
            } catch (IOException e) {
                throw ApiException.internal("Failed to read the console log: " + e.getMessage(), e);
            }
            if (running) {
                lifecycle.emit("instance-console-retrieved", "/1.0/instances/" + name, project, null, null);
            }
            return log;
        }).map(log -> {
            response.putHeader("Content-Type", "application/octet-stream").end(Buffer.buffer(log));
            return new ApiResponse.Upgraded();
        });
    }

    // ---- DELETE: clear the log

    private Future<ApiResponse> clear(Request request) {
        String project = Projects.fromRequest(request);
        String name = request.pathParam("name");
        return request.blocking(() -> {
            InstanceService.Target target = instances.target(project, name);
            InstanceConsole console = capability(target);
            boolean running = target.status() != InstanceStatus.STOPPED;
            try {
                console.clearLog(target.spec());
            } catch (NoSuchFileException e) {
                throw ApiException.notFound("The instance has no console log file");
            } catch (IOException e) {
                throw ApiException.internal("Failed to clear the console log: " + e.getMessage(), e);
            }
            if (running) {
                lifecycle.emit("instance-console-reset", "/1.0/instances/" + name, project, null, null);
            }
            return ApiResponse.empty();
        });
    }

    // ---- helpers

    /** As Incus: a frozen instance counts as running, and is then refused for being frozen. */
    private static void requireRunning(InstanceStatus status) {
        if (status == InstanceStatus.FROZEN || status == InstanceStatus.FREEZING) {
            throw ApiException.badRequest("Instance is frozen");
        }
        if (status != InstanceStatus.RUNNING) {
            throw ApiException.badRequest("Instance is not running");
        }
    }

    private static InstanceConsole capability(InstanceService.Target target) {
        return target.driver().capability(InstanceConsole.class).orElseThrow(() -> ApiException.badRequest(
                "The console is not supported for instances of type " + target.record().type()));
    }
}
