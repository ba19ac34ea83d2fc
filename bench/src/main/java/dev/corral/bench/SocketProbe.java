package dev.corral.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Asks {@code GET /} on a unix socket, one fresh connection per try. Each try runs on a helper thread so a
 * daemon that accepts but never answers costs at most the try's timeout (cancelling interrupts the helper,
 * which closes its socket).
 */
final class SocketProbe implements AutoCloseable {

    private static final HttpRequest GET_ROOT = HttpRequest.of("GET", "/", null);

    private final Path socket;
    private final ExecutorService helper = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "socket-probe");
        t.setDaemon(true);
        return t;
    });

    SocketProbe(Path socket) {
        this.socket = socket;
    }

    /**
     * Returns the status of one {@code GET /}.
     *
     * @throws IOException when there is no answer (no socket yet, refused, closed, or timed out)
     */
    int status(Duration timeout) throws IOException, InterruptedException {
        Future<Integer> answer = helper.submit(() -> {
            try (HttpConnection c = HttpConnection.open(socket)) {
                return c.exchange(GET_ROOT).status();
            }
        });
        try {
            return answer.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            answer.cancel(true);
            throw new IOException("no answer within " + timeout.toMillis() + " ms", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IllegalStateException("probe failed unexpectedly", e.getCause());
        }
    }

    @Override
    public void close() {
        helper.shutdownNow();
    }
}
