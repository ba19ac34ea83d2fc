package dev.corral.client;

import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * How a client behaves. Immutable; start from {@link #defaults()} and change what you need:
 *
 * <pre>{@code
 * ClientOptions options = ClientOptions.defaults().withRequestTimeout(Duration.ofSeconds(10)).withProject("dev");
 * }</pre>
 *
 * @param requestTimeout bound on one plain request (connect, then no data for this long fails it with
 *        {@link CorralException.Kind#TIMEOUT}); uploads and downloads use it as an idle timeout. Waits for operations
 *        take their own timeout.
 * @param connectTimeout bound on opening a connection
 * @param project the project every request names ({@code ?project=}), or null for the daemon's default project
 * @param callbackExecutor where futures complete and stream callbacks run; null: a pool of daemon threads the
 *        client owns and stops on {@link Corral#close()}
 * @param vertx a Vert.x instance to share, or null: the client starts its own and closes it on close. A shared one
 *        must have the native transport enabled for unix sockets ({@code VertxOptions.setPreferNativeTransport}).
 * @param pollInterval how often operation progress is polled when the event stream is not available
 */
public record ClientOptions(
        Duration requestTimeout,
        Duration connectTimeout,
        String project,
        Executor callbackExecutor,
        Vertx vertx,
        Duration pollInterval) {

    public ClientOptions {
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(pollInterval, "pollInterval");
        if (requestTimeout.isNegative() || requestTimeout.isZero() || connectTimeout.isNegative()
                || connectTimeout.isZero() || pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("timeouts and the poll interval must be positive");
        }
    }

    /** 30 s per request, 10 s to connect, the default project, own threads, 500 ms polling. */
    public static ClientOptions defaults() {
        return new ClientOptions(Duration.ofSeconds(30), Duration.ofSeconds(10), null, null, null,
                Duration.ofMillis(500));
    }

    public ClientOptions withRequestTimeout(Duration timeout) {
        return new ClientOptions(timeout, connectTimeout, project, callbackExecutor, vertx, pollInterval);
    }

    public ClientOptions withConnectTimeout(Duration timeout) {
        return new ClientOptions(requestTimeout, timeout, project, callbackExecutor, vertx, pollInterval);
    }

    public ClientOptions withProject(String name) {
        return new ClientOptions(requestTimeout, connectTimeout, name, callbackExecutor, vertx, pollInterval);
    }

    public ClientOptions withCallbackExecutor(Executor executor) {
        return new ClientOptions(requestTimeout, connectTimeout, project, executor, vertx, pollInterval);
    }

    public ClientOptions withVertx(Vertx shared) {
        return new ClientOptions(requestTimeout, connectTimeout, project, callbackExecutor, shared, pollInterval);
    }

    public ClientOptions withPollInterval(Duration interval) {
        return new ClientOptions(requestTimeout, connectTimeout, project, callbackExecutor, vertx, interval);
    }
}
