package dev.corral.daemon.server;

import dev.corral.api.Server;
import dev.corral.api.ServerEnvironment;
import dev.corral.api.ServerPut;
import dev.corral.daemon.events.Lifecycle;
import dev.corral.daemon.http.Access;
import dev.corral.daemon.http.ApiResponse;
import dev.corral.daemon.http.Caller;
import dev.corral.daemon.http.Endpoint;
import dev.corral.daemon.http.Request;
import dev.corral.daemon.http.Route;
import dev.corral.daemon.trust.ServerCertificate;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** {@code /} and {@code /1.0}: server information and server configuration. */
public final class ServerEndpoint implements Endpoint {

    private static final String VERSION = "0.1.0";

    private final ServerConfig config;
    private final Lifecycle lifecycle;
    private final HostInfo host;
    private final ServerCertificate certificate;
    private final Supplier<List<String>> addresses;
    private final Supplier<String[]> drivers;

    /**
     * @param addresses where the HTTPS listener can be reached (empty when it is off)
     * @param drivers the instance drivers' names and versions as {@code environment.driver} and
     *     {@code driver_version} show them ({@code lxc | qemu}, {@code 5.0.2 | 10.0.2}); asked at each request
     */
    public ServerEndpoint(ServerConfig config, Lifecycle lifecycle, HostInfo host, ServerCertificate certificate,
            Supplier<List<String>> addresses, Supplier<String[]> drivers) {
        this.config = config;
        this.lifecycle = lifecycle;
        this.host = host;
        this.certificate = certificate;
        this.addresses = addresses;
        this.drivers = drivers;
    }

    @Override
    public List<Route> routes() {
        return List.of(
                Route.get("/", Access.PUBLIC, request -> Future.succeededFuture(ApiResponse.sync(List.of("/1.0")))),
                Route.get("/1.0", Access.PUBLIC, this::get),
                Route.put("/1.0", Access.ADMIN, request -> update(request, true)),
                Route.patch("/1.0", Access.ADMIN, request -> update(request, false)));
    }

    private Future<ApiResponse> get(Request request) {
        Caller caller = request.caller();
        if (!caller.trusted()) {
            return Future.succeededFuture(ApiResponse.sync(new Server(Map.of(), ApiExtensions.ALL, "stable", "1.0",
                    "untrusted", false, List.of("tls"), null, null, null)));
        }
        // The server configuration is for administrators; restricted certificates see the rest.
        Server server = new Server(caller.isAdmin() ? config.current() : Map.of(), ApiExtensions.ALL, "stable",
                "1.0", "trusted", false, List.of("tls"), caller.username(), caller.protocol(), environment());
        return Future.succeededFuture(new ApiResponse.Sync(server, config.etag()));
    }

    private ServerEnvironment environment() {
        String[] driver = drivers.get();
        return new ServerEnvironment(addresses.get(), host.architectures(), certificate.certificatePem(),
                certificate.fingerprint(), driver[0], driver[1], "", "Linux",
                host.architecture(), Map.of(), host.kernelVersion(), Map.of(), host.osName(), host.osVersion(),
                "default", "corral", false, "full-mesh", host.hostname(), ProcessHandle.current().pid(), VERSION,
                "", "", List.of());
    }

    private Future<ApiResponse> update(Request request, boolean replace) {
        ServerPut put = request.body(ServerPut.class);
        String ifMatch = request.ifMatch();
        return request.blocking(() -> config.update(put.config(), replace, ifMatch)).map(changed -> {
            // Announced on every accepted update, changed or not, as Incus does.
            lifecycle.emit("config-updated", "/1.0", "default", request.caller().requestor(), null);
            return ApiResponse.empty();
        });
    }
}
