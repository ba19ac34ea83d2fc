package dev.corral.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import dev.corral.api.Operation;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.net.TrustOptions;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLException;

/**
 * The HTTP layer under every resource: one Vert.x {@link HttpClient} bound to the daemon (unix socket or TLS),
 * Incus envelopes in and out, websockets through the upgrade tunnel, explicit timeouts, and the hand-over of results
 * from the I/O thread to the callback executor. Thread-safe.
 */
final class Transport implements AutoCloseable {

    /** A whole answer: status, headers, body; {@code request} ({@code "GET /1.0"}) for messages. */
    record Response(int status, MultiMap headers, Buffer body, String request) {

        static Response of(io.vertx.core.http.HttpClientResponse response, Buffer body) {
            return new Response(response.statusCode(), response.headers(), body,
                    response.request().getMethod() + " " + response.request().getURI());
        }
    }

    static final String USER_AGENT = "corral-client/0.1";
    private static final System.Logger LOG = System.getLogger(Transport.class.getName());

    private final Vertx vertx;
    private final boolean ownsVertx;
    private final HttpClient http;
    private final NetClient net;
    private final SocketAddress server;
    private final String hostHeader;
    private final RequestOptions base;
    private final String description;
    private final ClientOptions options;
    private final Executor callbacks;
    private final ExecutorService ownedCallbacks;
    private final Context context;
    private volatile boolean closed;

    private Transport(Vertx vertx, boolean ownsVertx, HttpClient http, NetClient net, SocketAddress server,
            String hostHeader, RequestOptions base, String description, ClientOptions options, Executor callbacks,
            ExecutorService ownedCallbacks) {
        this.vertx = vertx;
        this.ownsVertx = ownsVertx;
        this.http = http;
        this.net = net;
        this.server = server;
        this.hostHeader = hostHeader;
        this.base = base;
        this.description = description;
        this.options = options;
        this.callbacks = callbacks;
        this.ownedCallbacks = ownedCallbacks;
        this.context = eventLoopContext(vertx);
    }

    /**
     * The event-loop context every exchange runs on. Vert.x runs a future's callbacks at once only on the context
     * that completes it, and later (as a task) elsewhere; a response's body handler installed in such a later task
     * misses the chunks that came with the head (measured: about one chunked Incus answer in 300 read back empty).
     * Starting each exchange on this context keeps the whole chain synchronous with the connection's events.
     */
    private static Context eventLoopContext(Vertx vertx) {
        if (Vertx.currentContext() == null) {
            return vertx.getOrCreateContext();
        }
        // Called on a Vert.x thread (a shared instance): make a fresh event-loop context from outside it.
        java.util.concurrent.CompletableFuture<Context> made = new java.util.concurrent.CompletableFuture<>();
        Thread maker = new Thread(() -> made.complete(vertx.getOrCreateContext()), "corral-client-context");
        maker.start();
        return made.join();
    }

    /** Runs {@code exchange} on the client's context (see {@link #eventLoopContext}); its outcome is the answer. */
    <T> Future<T> onContext(java.util.function.Supplier<Future<T>> exchange) {
        Promise<T> promise = Promise.promise();
        context.runOnContext(ignored -> {
            try {
                exchange.get().onComplete(promise);
            } catch (RuntimeException e) {
                promise.fail(e);
            }
        });
        return promise.future();
    }

    static Transport unix(Path socket, ClientOptions options) {
        Vertx vertx = options.vertx() != null ? options.vertx() : newVertx();
        boolean owns = options.vertx() == null;
        if (!vertx.isNativeTransportEnabled()) {
            Throwable cause = vertx.unavailableNativeTransportCause();
            if (owns) {
                vertx.close();
            }
            throw CorralException.connection("unix sockets need Netty's native transport (epoll), which is not "
                    + "available: " + (cause == null ? "disabled in the shared Vert.x instance" : cause), cause);
        }
        HttpClient http = vertx.createHttpClient(new HttpClientOptions()
                .setKeepAlive(true)
                .setConnectTimeout((int) millis(options.connectTimeout())), pool());
        NetClient net = vertx.createNetClient(new NetClientOptions()
                .setConnectTimeout((int) millis(options.connectTimeout())));
        SocketAddress server = SocketAddress.domainSocketAddress(socket.toAbsolutePath().toString());
        RequestOptions base = new RequestOptions().setServer(server).setHost("corral").setPort(80);
        return create(vertx, owns, http, net, server, "corral", base, "unix:" + socket.toAbsolutePath(), options);
    }

    static Transport tls(URI uri, TlsIdentity identity, X509Certificate pinned, ClientOptions options) {
        if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("a TLS address looks like https://host:8443, not " + uri);
        }
        Vertx vertx = options.vertx() != null ? options.vertx() : newVertx();
        PemKeyCertOptions key = identity == null ? null : new PemKeyCertOptions()
                .setCertValue(Buffer.buffer(identity.certificatePem()))
                .setKeyValue(Buffer.buffer(identity.privateKeyPem()));
        // The pin replaces chain and host name checks (Incus servers have self-signed certificates).
        TrustOptions trust = pinned == null ? null : TrustOptions.wrap(new PinnedTrustManager(pinned));
        HttpClientOptions clientOptions = new HttpClientOptions()
                .setKeepAlive(true)
                .setConnectTimeout((int) millis(options.connectTimeout()))
                .setSsl(true)
                .setVerifyHost(pinned == null);
        NetClientOptions netOptions = new NetClientOptions()
                .setConnectTimeout((int) millis(options.connectTimeout()))
                .setSsl(true)
                .setHostnameVerificationAlgorithm(pinned == null ? "HTTPS" : "");
        if (key != null) {
            clientOptions.setKeyCertOptions(key);
            netOptions.setKeyCertOptions(key);
        }
        if (trust != null) {
            clientOptions.setTrustOptions(trust);
            netOptions.setTrustOptions(trust);
        }
        HttpClient http = vertx.createHttpClient(clientOptions, pool());
        NetClient net = vertx.createNetClient(netOptions);
        int port = uri.getPort() < 0 ? 8443 : uri.getPort();
        RequestOptions base = new RequestOptions().setHost(uri.getHost()).setPort(port).setSsl(true);
        String hostHeader = uri.getHost() + ":" + port;
        return create(vertx, options.vertx() == null, http, net, SocketAddress.inetSocketAddress(port, uri.getHost()),
                hostHeader, base, "https://" + hostHeader, options);
    }

    private static Transport create(Vertx vertx, boolean owns, HttpClient http, NetClient net,
            SocketAddress server, String hostHeader, RequestOptions base, String description, ClientOptions options) {
        ExecutorService owned = options.callbackExecutor() == null ? newCallbackPool() : null;
        return new Transport(vertx, owns, http, net, server, hostHeader, base, description, options,
                owned != null ? owned : options.callbackExecutor(), owned);
    }

    private static Vertx newVertx() {
        return Vertx.vertx(new VertxOptions()
                .setPreferNativeTransport(true)
                .setEventLoopPoolSize(1)
                .setWorkerPoolSize(2)
                .setInternalBlockingPoolSize(2));
    }

    private static PoolOptions pool() {
        return new PoolOptions().setHttp1MaxSize(8);
    }

    private static ExecutorService newCallbackPool() {
        AtomicInteger count = new AtomicInteger();
        ThreadFactory threads = runnable -> {
            Thread thread = new Thread(runnable, "corral-client-callback-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
        return Executors.newCachedThreadPool(threads);
    }

    static long millis(java.time.Duration duration) {
        return Math.max(1, duration.toMillis());
    }

    Vertx vertx() {
        return vertx;
    }

    Executor callbacks() {
        return callbacks;
    }

    ClientOptions options() {
        return options;
    }

    /** Where the daemon is, for messages: {@code unix:/var/lib/corral/unix.socket}, {@code https://host:8443}. */
    String description() {
        return description;
    }

    // ---- addresses ----

    /** One URL path segment, escaped. */
    static String seg(String segment) {
        if (segment == null || segment.isEmpty()) {
            throw new IllegalArgumentException("a name must not be empty");
        }
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /**
     * {@code path} with query parameters (name, value pairs; pairs whose value is null are left out) and the
     * configured project.
     */
    String uri(String path, String... pairs) {
        StringBuilder uri = new StringBuilder(path);
        char sep = path.indexOf('?') >= 0 ? '&' : '?';
        for (int i = 0; i + 1 < pairs.length; i += 2) {
            if (pairs[i + 1] != null) {
                uri.append(sep).append(pairs[i]).append('=')
                        .append(URLEncoder.encode(pairs[i + 1], StandardCharsets.UTF_8).replace("+", "%20"));
                sep = '&';
            }
        }
        if (options.project() != null && !options.project().isEmpty()) {
            uri.append(sep).append("project=").append(URLEncoder.encode(options.project(), StandardCharsets.UTF_8));
        }
        return uri.toString();
    }

    // ---- requests ----

    RequestOptions requestOptions(HttpMethod method, String uri, long idleTimeoutMs) {
        RequestOptions request = new RequestOptions(base).setMethod(method).setURI(uri)
                .setConnectTimeout(millis(options.connectTimeout()))
                .putHeader("User-Agent", USER_AGENT);
        if (idleTimeoutMs > 0) {
            request.setIdleTimeout(idleTimeoutMs);
        }
        return request;
    }

    /** A request with a JSON body (or none) and the whole answer, within the request timeout. */
    Future<Response> call(HttpMethod method, String uri, Object jsonBody) {
        return call(method, uri, jsonBody, millis(options.requestTimeout()));
    }

    Future<Response> call(HttpMethod method, String uri, Object jsonBody, long timeoutMs) {
        if (closed) {
            return Future.failedFuture(CorralException.connection("the client is closed", null));
        }
        Buffer body;
        try {
            body = jsonBody == null ? null : Buffer.buffer(ClientJson.MAPPER.writeValueAsBytes(jsonBody));
        } catch (JsonProcessingException e) {
            return Future.failedFuture(new IllegalArgumentException("cannot write the request as JSON", e));
        }
        RequestOptions request = requestOptions(method, uri, timeoutMs);
        if (body != null) {
            request.putHeader("Content-Type", "application/json");
        }
        Future<Response> answer = onContext(() -> exchange(request, body));
        if (method == HttpMethod.GET) {
            // A pooled keep-alive connection the daemon has just closed fails before any answer: one retry is safe
            // for a GET.
            answer = answer.recover(failure -> failure instanceof HttpClosedException
                    ? onContext(() -> exchange(request, null)) : Future.failedFuture(failure));
        }
        return answer.recover(failure -> Future.failedFuture(mapFailure(failure, request.getURI())));
    }

    private Future<Response> exchange(RequestOptions request, Buffer body) {
        return http.request(request)
                .compose(req -> body == null ? req.send() : req.send(body))
                .compose(resp -> resp.body().map(data -> Response.of(resp, data)));
    }

    /**
     * An open request for streaming a body up or down; the caller sends it, and must have called this within
     * {@link #onContext} so that its response handlers are in place in time. {@code idleTimeoutMs}: how long the
     * answer may go without bytes (0: no bound, for uploads, which watch their own progress).
     */
    Future<HttpClientRequest> open(HttpMethod method, String uri, long idleTimeoutMs) {
        if (closed) {
            return Future.failedFuture(CorralException.connection("the client is closed", null));
        }
        return http.request(requestOptions(method, uri, idleTimeoutMs))
                .recover(failure -> Future.failedFuture(mapFailure(failure, uri)));
    }

    /**
     * A websocket to {@code uri}, on a connection of its own (see {@link WebSocketHandshake} for why not the HTTP
     * client's); the handshake is bounded by the request timeout.
     */
    Future<WebSocketChannel> websocket(String uri, WebSocketChannel.Listener listener) {
        if (closed) {
            return Future.failedFuture(CorralException.connection("the client is closed", null));
        }
        Future<WebSocketChannel> open = onContext(() -> (server.isDomainSocket() ? net.connect(server)
                : net.connect(server, server.host())).compose(socket ->
                        WebSocketHandshake.start(socket, vertx, hostHeader, uri, USER_AGENT, listener)));
        return within(open, millis(options.requestTimeout()), "websocket " + uri)
                .recover(failure -> Future.failedFuture(mapFailure(failure, uri)));
    }

    /** {@code future}, or a {@link CorralException.Kind#TIMEOUT} after {@code timeoutMs}. */
    <T> Future<T> within(Future<T> future, long timeoutMs, String what) {
        Promise<T> promise = Promise.promise();
        long timer = vertx.setTimer(timeoutMs, id -> promise.tryFail(CorralException.timeout(
                "no answer from " + description + " within " + timeoutMs + " ms (" + what + ")")));
        future.onComplete(result -> {
            vertx.cancelTimer(timer);
            boolean first = result.succeeded() ? promise.tryComplete(result.result()) : promise.tryFail(result.cause());
            if (!first) {
                // Too late: the caller saw a timeout. A websocket that opened after it is closed again.
                if (result.succeeded() && result.result() instanceof WebSocketChannel channel) {
                    channel.close();
                }
            }
        });
        return promise.future();
    }

    // ---- envelopes ----

    /** The envelope of a successful answer (sync or async), or the failure it reports. */
    static JsonNode envelope(Response response) {
        JsonNode root = null;
        try {
            root = response.body().length() == 0 ? null : ClientJson.MAPPER.readTree(response.body().getBytes());
        } catch (IOException notJson) {
            // answered below
        }
        if (root == null || !root.isObject() || !root.has("type")) {
            if (response.status() >= 400) {
                throw CorralException.errorResponse(response.status(),
                        "HTTP " + response.status() + ": " + abbreviate(response.body()));
            }
            throw CorralException.protocol("not an Incus answer to " + response.request() + " (HTTP "
                    + response.status() + "): " + abbreviate(response.body()), null);
        }
        if ("error".equals(root.path("type").asText()) || response.status() >= 400) {
            throw errorOf(root, response.status());
        }
        return root;
    }

    static CorralException errorOf(Response response) {
        try {
            envelope(response);
        } catch (CorralException e) {
            return e;
        }
        return CorralException.protocol("HTTP " + response.status() + " without an error: "
                + abbreviate(response.body()), null);
    }

    private static CorralException errorOf(JsonNode root, int httpStatus) {
        int code = root.path("error_code").asInt(0);
        if (code == 0) {
            code = httpStatus >= 400 ? httpStatus : 500;
        }
        String message = root.path("error").asText("");
        return CorralException.errorResponse(code, message.isEmpty() ? "HTTP " + httpStatus : message);
    }

    /** The {@code metadata} of a sync answer, as {@code type}. */
    static <T> T metadata(Response response, JavaType type) {
        JsonNode root = envelope(response);
        return convert(root.get("metadata"), type);
    }

    @SuppressWarnings("unchecked")
    static <T> T convert(JsonNode node, JavaType type) {
        if (node == null || node.isNull()) {
            // Incus answers an empty list as null
            if (type.isCollectionLikeType()) {
                return (T) java.util.List.of();
            }
            if (type.isMapLikeType()) {
                return (T) java.util.Map.of();
            }
            return null;
        }
        try {
            return ClientJson.MAPPER.treeToValue(node, type);
        } catch (JsonProcessingException e) {
            throw CorralException.protocol("unexpected answer shape for " + type.getRawClass().getSimpleName() + ": "
                    + e.getOriginalMessage(), e);
        } catch (IllegalArgumentException e) {
            throw CorralException.protocol("unexpected answer shape for " + type.getRawClass().getSimpleName() + ": "
                    + e.getMessage(), e);
        }
    }

    /** The operation of an async answer; a sync answer (some servers finish at once) is a finished operation. */
    static Operation operation(Response response) {
        JsonNode root = envelope(response);
        if ("async".equals(root.path("type").asText())) {
            return convert(root.get("metadata"), ClientJson.type(Operation.class));
        }
        return OperationHandleImpl.finishedAtOnce(root.get("metadata"));
    }

    private static String abbreviate(Buffer body) {
        String text = body.toString(StandardCharsets.UTF_8).strip();
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }

    // ---- results for callers ----

    /** The public face of an internal future: completes on the callback executor, with failures mapped. */
    <T> CompletableFuture<T> toPublic(Future<T> future) {
        CompletableFuture<T> result = new CompletableFuture<>();
        future.onComplete(outcome -> onCallbackThread(() -> {
            if (outcome.succeeded()) {
                result.complete(outcome.result());
            } else {
                result.completeExceptionally(mapFailure(outcome.cause(), null));
            }
        }));
        return result;
    }

    void onCallbackThread(Runnable task) {
        try {
            callbacks.execute(task);
        } catch (RejectedExecutionException closing) {
            task.run();
        }
    }

    /** {@code GET uri} and its metadata as {@code type}. */
    <T> CompletableFuture<T> get(String uri, JavaType type) {
        return toPublic(call(HttpMethod.GET, uri, null).map(response -> metadata(response, type)));
    }

    /** A request answered synchronously, whose metadata does not matter. */
    CompletableFuture<Void> sync(HttpMethod method, String uri, Object body) {
        return toPublic(call(method, uri, body).map(response -> {
            envelope(response);
            return null;
        }));
    }

    /** A request answered with an operation. */
    CompletableFuture<OperationHandle> async(HttpMethod method, String uri, Object body) {
        return toPublic(asyncInternal(method, uri, body).map(op -> (OperationHandle) op));
    }

    Future<OperationHandleImpl> asyncInternal(HttpMethod method, String uri, Object body) {
        return call(method, uri, body).map(response -> new OperationHandleImpl(this, operation(response)));
    }

    /** Everything as a {@link CorralException}. */
    Throwable mapFailure(Throwable failure, String uri) {
        Throwable cause = failure;
        while (cause instanceof java.util.concurrent.CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof CorralException || cause instanceof IllegalArgumentException) {
            return cause;
        }
        String where = description + (uri == null ? "" : " (" + uri + ")");
        if (cause instanceof TimeoutException) {
            return CorralException.timeout("no answer from " + where + " in time: " + cause.getMessage());
        }
        if (cause instanceof SSLException) {
            return CorralException.connection("TLS with " + where + " failed: " + cause.getMessage(), cause);
        }
        if (cause instanceof JsonProcessingException) {
            return CorralException.protocol("unreadable answer from " + where + ": " + cause.getMessage(), cause);
        }
        return CorralException.connection("cannot talk to " + where + ": " + cause, cause);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            net.close().await(5, TimeUnit.SECONDS);
            http.close().await(5, TimeUnit.SECONDS);
        } catch (RuntimeException | TimeoutException e) {
            // Closing goes on: the event loop (when it is ours) closes the connections below.
            LOG.log(System.Logger.Level.DEBUG, "closing the HTTP client of " + description + ": " + e);
        }
        if (ownsVertx) {
            try {
                vertx.close().await(5, TimeUnit.SECONDS);
            } catch (RuntimeException | TimeoutException e) {
                // Its threads are daemons: they cannot keep the JVM alive.
                LOG.log(System.Logger.Level.DEBUG, "closing the event loop of " + description + ": " + e);
            }
        }
        if (ownedCallbacks != null) {
            ownedCallbacks.shutdown();
        }
    }
}
