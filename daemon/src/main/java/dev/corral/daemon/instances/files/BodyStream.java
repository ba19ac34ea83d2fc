package dev.corral.daemon.instances.files;

import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A request body as a blocking {@link InputStream} for a worker thread. The event loop queues what arrives and
 * pauses the stream when more than {@value #HIGH_WATER} bytes wait; the reader resumes it (on the stream's context)
 * once they are down to {@value #LOW_WATER}. So at most about {@value #HIGH_WATER} bytes are held, however fast the
 * client sends and however slowly the disk takes them.
 *
 * <p>Threading: {@link #attach} on the stream's event loop; {@link #read} from one worker thread.
 */
final class BodyStream extends InputStream {

    static final int HIGH_WATER = 4 * 1024 * 1024;
    static final int LOW_WATER = 1024 * 1024;
    /** How long a reader waits for the client's next bytes before giving up. */
    private static final long IDLE_SECONDS = 300;
    private static final Buffer END = Buffer.buffer(0);

    private final ReadStream<Buffer> stream;
    private final Context context;
    private final LinkedBlockingQueue<Buffer> queue = new LinkedBlockingQueue<>();
    private final Object lock = new Object();
    private long queued;
    private boolean paused;
    private volatile Throwable failure;
    private Buffer current;
    private int position;
    private boolean ended;

    private BodyStream(ReadStream<Buffer> stream, Context context) {
        this.stream = stream;
        this.context = context;
    }

    /** Starts taking {@code stream}'s data (call on its event loop, before it delivers anything). */
    static BodyStream attach(ReadStream<Buffer> stream, Context context) {
        BodyStream body = new BodyStream(stream, context);
        stream.handler(body::arrived);
        stream.exceptionHandler(e -> {
            body.failure = e;
            body.queue.add(END);
        });
        stream.endHandler(ignored -> body.queue.add(END));
        stream.resume();
        return body;
    }

    private void arrived(Buffer data) {
        synchronized (lock) {
            queued += data.length();
            if (queued > HIGH_WATER && !paused) {
                paused = true;
                stream.pause();
            }
        }
        queue.add(data);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (current == null || position >= current.length()) {
            if (ended) {
                return -1;
            }
            Buffer next;
            try {
                next = queue.poll(IDLE_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while reading the request body");
            }
            if (next == null) {
                throw new IOException("no request data for " + IDLE_SECONDS + " s");
            }
            if (next == END) {
                ended = true;
                if (failure != null) {
                    throw new IOException("request body: " + failure.getMessage(), failure);
                }
                return -1;
            }
            taken(next.length());
            current = next;
            position = 0;
        }
        int n = Math.min(len, current.length() - position);
        current.getBytes(position, position + n, b, off);
        position += n;
        return n;
    }

    private void taken(int length) {
        boolean resume = false;
        synchronized (lock) {
            queued -= length;
            if (paused && queued <= LOW_WATER) {
                paused = false;
                resume = true;
            }
        }
        if (resume) {
            context.runOnContext(ignored -> stream.resume());
        }
    }

    /** Reads and drops the rest (so that the connection stays usable); never throws. */
    void drain() {
        try {
            byte[] sink = new byte[64 * 1024];
            while (read(sink, 0, sink.length) >= 0) {
                // dropped
            }
        } catch (IOException e) {
            // the connection is gone: nothing left to drain
        }
    }
}
