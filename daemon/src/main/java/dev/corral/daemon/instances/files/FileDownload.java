package dev.corral.daemon.instances.files;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Streams an open file into a response from a worker thread: one chunk read while the previous one is written, each
 * write waited for (so at most two chunks are in memory, and a client that reads slowly slows the reading down, not
 * the daemon's memory). A client that stops reading altogether is given up on after {@value #STALL_SECONDS} s.
 */
final class FileDownload {

    private static final int CHUNK = 256 * 1024;
    private static final long STALL_SECONDS = 300;

    private FileDownload() {
    }

    /** Writes {@code length} bytes of {@code file} and ends the response (headers already set); blocks. */
    static void stream(FileChannel file, long length, HttpServerResponse response) throws IOException {
        Future<Void> previous = Future.succeededFuture();
        long sent = 0;
        while (sent < length) {
            ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(CHUNK, length - sent));
            while (chunk.hasRemaining()) {
                if (file.read(chunk) < 0) {
                    break;
                }
            }
            if (chunk.position() == 0) {
                break; // the file shrank while being sent: the client sees a short body
            }
            byte[] bytes = chunk.position() == chunk.capacity() ? chunk.array()
                    : java.util.Arrays.copyOf(chunk.array(), chunk.position());
            sent += bytes.length;
            await(previous);
            previous = response.write(Buffer.buffer(bytes));
        }
        await(previous);
        await(response.end());
    }

    private static void await(Future<Void> write) throws IOException {
        try {
            write.toCompletionStage().toCompletableFuture().get(STALL_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while sending a file");
        } catch (ExecutionException e) {
            throw new IOException("cannot send the file: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("the client read nothing for " + STALL_SECONDS + " s");
        }
    }
}
