package dev.corral.daemon.http;

import dev.corral.api.ApiException;
import dev.corral.api.Event;
import dev.corral.api.LoggingEvent;
import dev.corral.operations.EventBus;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Registers every endpoint's routes in one loop and applies the one policy step: who the caller is, whether the
 * route lets them in, how large a body may be. Anything that goes wrong is rendered as the Incus error envelope.
 */
public final class ApiRouter {

    /** Set once the route's handler runs; failures before that happened while reading the request. */
    private static final String DISPATCHED = "corral.dispatched";

    private final EventBus events;
    private final TlsClients tlsClients;

    private ApiRouter(EventBus events, TlsClients tlsClients) {
        this.events = events;
        this.tlsClients = tlsClients;
    }

    /** One router serves both listeners; {@code tlsClients} identifies callers that come over TLS. */
    public static Router build(Vertx vertx, List<Endpoint> endpoints, EventBus events, TlsClients tlsClients) {
        return new ApiRouter(events, tlsClients).register(Router.router(vertx), endpoints);
    }

    private Router register(Router router, List<Endpoint> endpoints) {
        Set<String> seen = new HashSet<>();
        for (Endpoint endpoint : endpoints) {
            for (Route route : endpoint.routes()) {
                if (!seen.add(route.method() + " " + route.path())) {
                    throw new IllegalStateException("route registered twice: " + route.method() + " " + route.path());
                }
                io.vertx.ext.web.Route web = router.route(route.method(), vertxPath(route.path()));
                if (hasBody(route.method()) && route.bodyLimit() != Route.STREAMED_BODY) {
                    web.handler(BodyHandler.create(false).setBodyLimit(route.bodyLimit()));
                }
                web.handler(context -> dispatch(route, context))
                        .failureHandler(context -> fail(context, context.failure(), context.statusCode()));
            }
        }
        router.errorHandler(404, context -> ApiRenderer.renderError(context.response(), 404, "not found"));
        router.errorHandler(405, context -> ApiRenderer.renderError(context.response(), 405, "method not allowed"));
        router.errorHandler(400, context -> fail(context, context.failure(), 400));
        router.errorHandler(413, context -> fail(context, null, 413));
        router.errorHandler(500, context -> fail(context, context.failure(), 500));
        return router;
    }

    private void dispatch(Route route, RoutingContext context) {
        context.put(DISPATCHED, Boolean.TRUE);
        HttpServerRequest request = context.request();
        Caller caller = identify(request);
        announce(request, caller);
        ApiException denied = AccessPolicy.denial(route.access(), caller, request.getParam("project"),
                isSet(request.getParam("all-projects")), request.method() == HttpMethod.GET);
        if (denied != null) {
            ApiRenderer.renderError(context.response(), denied.status(), denied.getMessage());
            return;
        }
        Future<ApiResponse> answer;
        try {
            answer = route.handler().handle(new Request(context, caller));
        } catch (Exception | StackOverflowError e) {
            answer = Future.failedFuture(e);
        }
        answer.onComplete(
                result -> ApiRenderer.render(context.response(), result),
                failure -> ApiRenderer.renderFailure(context.response(), failure));
    }

    private static void fail(RoutingContext context, Throwable failure, int status) {
        if (failure != null && context.get(DISPATCHED) == null && status != 413) {
            // The request body could not be read (a malformed chunk, a connection cut mid-body): the client's fault.
            ApiRenderer.renderError(context.response(), 400, "Bad request: unreadable request body");
        } else if (failure != null && !(failure instanceof io.vertx.ext.web.handler.HttpException)) {
            ApiRenderer.renderFailure(context.response(), failure);
        } else if (status == 413) {
            ApiRenderer.renderError(context.response(), 413, "Request body too large");
        } else if (status >= 400 && status < 500) {
            ApiRenderer.renderError(context.response(), status, "Bad request");
        } else {
            ApiRenderer.renderFailure(context.response(), failure == null ? new IllegalStateException() : failure);
        }
    }

    /**
     * Who the caller is. The unix socket is trusted (its owner and mode already limit who can connect); a TLS
     * client is whoever its certificate's fingerprint says in the trust store; anything else is untrusted.
     */
    private Caller identify(HttpServerRequest request) {
        if (request.localAddress() != null && request.localAddress().isDomainSocket()) {
            return new Caller(true, "unix", UnixPeer.userName(request.connection()), "@", null);
        }
        String address = request.remoteAddress() == null ? "" : request.remoteAddress().toString();
        if (!request.isSSL()) {
            return Caller.untrusted("", "", address);
        }
        return tlsClients.identify(PeerCertificate.of(request), address);
    }

    /** Incus emits a debug logging event for each API request; skipped when nobody listens. */
    private void announce(HttpServerRequest request, Caller caller) {
        if (events.hasListeners(Event.LOGGING)) {
            events.publish(Event.LOGGING, "", new LoggingEvent("Handling API request", "debug", Map.of(
                    "ip", caller.address(), "method", request.method().name(), "protocol", caller.protocol(),
                    "url", request.uri(), "username", caller.username())));
        }
    }

    private static boolean isSet(String flag) {
        return flag != null && (flag.equals("1") || flag.equalsIgnoreCase("true"));
    }

    private static boolean hasBody(HttpMethod method) {
        return method == HttpMethod.PUT || method == HttpMethod.POST || method == HttpMethod.PATCH;
    }

    /** Incus spells parameters {@code {id}}; vertx-web wants {@code :id}. */
    static String vertxPath(String incusPath) {
        return incusPath.replaceAll("\\{([a-zA-Z_]+)}", ":$1");
    }
}
