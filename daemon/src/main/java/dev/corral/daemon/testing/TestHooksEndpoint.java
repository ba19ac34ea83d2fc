package dev.corral.daemon.testing;

import dev.corral.daemon.http.Access;
import dev.corral.daemon.http.ApiResponse;
import dev.corral.daemon.http.Endpoint;
import dev.corral.daemon.http.Request;
import dev.corral.daemon.http.Route;
import dev.corral.operations.MessageChannel;
import dev.corral.operations.OperationRegistry;
import dev.corral.operations.OperationSpec;
import dev.corral.operations.Streams;
import io.vertx.core.Future;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Test-only routes, registered only when corrald runs with {@code CORRAL_TEST_HOOKS=1}: they create operations on
 * demand so that system tests can exercise the operations API before any real resource creates one.
 */
public final class TestHooksEndpoint implements Endpoint {

    /** {@code POST /internal/testing/operations} body. */
    record OperationRequest(Long duration_ms, Boolean may_cancel, Boolean fail, String description,
            String project) {
    }

    private final OperationRegistry registry;

    public TestHooksEndpoint(OperationRegistry registry) {
        this.registry = registry;
    }

    @Override
    public List<Route> routes() {
        return List.of(
                Route.post("/internal/testing/operations", Access.ADMIN, this::task),
                Route.post("/internal/testing/echo", Access.ADMIN, this::echo));
    }

    /** A task that sleeps for {@code duration_ms}, then succeeds or fails. */
    private Future<ApiResponse> task(Request request) {
        OperationRequest body = request.body(OperationRequest.class);
        long duration = body.duration_ms() == null ? 0 : body.duration_ms();
        boolean fail = Boolean.TRUE.equals(body.fail());
        OperationSpec spec = OperationSpec.task(body.description() == null ? "Test operation" : body.description(),
                context -> {
                    Thread.sleep(duration);
                    if (fail) {
                        throw new IllegalStateException("Test operation failed as asked");
                    }
                });
        if (body.project() != null) {
            spec.project(body.project());
        }
        if (Boolean.TRUE.equals(body.may_cancel())) {
            spec.cancellable();
        }
        return Future.succeededFuture(new ApiResponse.Async(registry.submit(spec)));
    }

    /** A websocket operation with one stream "0" that echoes every message until the client closes it. */
    private Future<ApiResponse> echo(Request request) {
        Streams streams = new Streams("0");
        OperationSpec spec = OperationSpec.websocket("Echo", streams, context -> {
            MessageChannel channel = streams.await("0", 30, TimeUnit.SECONDS);
            CountDownLatch closed = new CountDownLatch(1);
            channel.listen(channel::sendText, channel::sendBinary, closed::countDown);
            closed.await();
        });
        return Future.succeededFuture(new ApiResponse.Async(registry.submit(spec)));
    }
}
