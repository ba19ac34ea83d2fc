package dev.corral.client;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.FileSystem;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * A request whose body is streamed from pieces (buffers and files) with a known length: image uploads and file
 * pushes. Counts the bytes sent (for progress), and runs a watchdog that resets the request when nothing moved for
 * the request timeout (Vert.x's idle timeout only counts bytes received, and an upload receives nothing).
 */
final class BodyUpload {

    private final Transport transport;
    private final LongConsumer onSent;
    private final AtomicLong sent = new AtomicLong();
    private volatile long lastActivity = System.nanoTime();
    private long watchdog = -1;

    private BodyUpload(Transport transport, LongConsumer onSent) {
        this.transport = transport;
        this.onSent = onSent;
    }

    /** The total length of the pieces ({@link Buffer}s and {@link Path}s). */
    static long length(List<Object> pieces) throws IOException {
        long sum = 0;
        for (Object piece : pieces) {
            sum += piece instanceof Path file ? Files.size(file) : ((Buffer) piece).length();
        }
        return sum;
    }

    /**
     * Sends {@code pieces} as the body of {@code method uri} with {@code headers}; {@code onSent} hears the running
     * total of bytes sent. Answers the whole response.
     */
    static Future<Transport.Response> send(Transport transport, HttpMethod method, String uri,
            Map<String, String> headers, List<Object> pieces, LongConsumer onSent) {
        long total;
        try {
            total = length(pieces);
        } catch (IOException e) {
            return Future.failedFuture(new IllegalArgumentException("cannot read " + e.getMessage(), e));
        }
        BodyUpload upload = new BodyUpload(transport, onSent);
        FileSystem fs = transport.vertx().fileSystem();
        return transport.onContext(() -> transport.open(method, uri, 0).compose(req -> {
            headers.forEach(req::putHeader);
            req.putHeader("Content-Length", Long.toString(total));
            Future<HttpClientResponse> answer = req.response();
            upload.watch(req);
            Future<Void> written = Future.succeededFuture();
            for (Object piece : pieces) {
                written = written.compose(ignored -> piece instanceof Path file
                        ? upload.pump(fs, file, req) : upload.write(req, (Buffer) piece));
            }
            written.compose(ignored -> req.end()).onFailure(failure -> req.reset(0, failure));
            return answer.compose(resp -> resp.body().map(body -> Transport.Response.of(resp, body)))
                    .andThen(ignored -> upload.stop())
                    .recover(failure -> Future.failedFuture(transport.mapFailure(failure, uri)));
        }));
    }

    private void watch(HttpClientRequest req) {
        long limitMs = Transport.millis(transport.options().requestTimeout());
        watchdog = transport.vertx().setPeriodic(Math.min(1000, limitMs), id -> {
            if ((System.nanoTime() - lastActivity) / 1_000_000L > limitMs) {
                stop();
                req.reset(0, CorralException.timeout("the upload made no progress for " + limitMs + " ms"));
            }
        });
    }

    private void stop() {
        if (watchdog >= 0) {
            transport.vertx().cancelTimer(watchdog);
        }
    }

    private Future<Void> write(HttpClientRequest req, Buffer data) {
        return req.write(data).onSuccess(ignored -> sent(data.length()));
    }

    private void sent(long bytes) {
        lastActivity = System.nanoTime();
        long total = sent.addAndGet(bytes);
        if (onSent != null) {
            onSent.accept(total);
        }
    }

    /** Streams a file into the request, pausing while its write queue is full. */
    private Future<Void> pump(FileSystem fs, Path file, HttpClientRequest req) {
        return fs.open(file.toString(), new OpenOptions().setRead(true).setWrite(false).setCreate(false))
                .compose(source -> {
                    Promise<Void> done = Promise.promise();
                    source.exceptionHandler(done::tryFail);
                    source.endHandler(ignored -> done.tryComplete());
                    source.handler(chunk -> {
                        req.write(chunk).onSuccess(ignored -> sent(chunk.length()));
                        if (req.writeQueueFull()) {
                            source.pause();
                            req.drainHandler(ignored -> source.resume());
                        }
                    });
                    return done.future().eventually(source::close);
                });
    }
}
