package dev.corral.container.lxc;

import com.sun.jna.LastErrorException;
import dev.corral.instance.ExecSink;
import dev.corral.instance.InstanceConsole;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One attached LXC console: the controlling end of the terminal the monitor proxies to the container's console,
 * and the command socket that holds the console for this client.
 *
 * <p>One reader copies the terminal's output to the sink until the terminal's other end goes away (EIO: the
 * container stopped) or the session is closed; one writer feeds queued input. Both poll with a timeout, so neither
 * blocks for good on a console that stops reading. The descriptor is non-blocking (its open file is shared with the
 * monitor, which never reads or writes it: it relays through the other end).
 *
 * <p>Closing the session closes both descriptors once reader and writer are out: the monitor then frees the console
 * for the next client, and the container runs on.
 */
final class LxcConsoleSession implements InstanceConsole.ConsoleSession {

    private static final Logger LOG = LoggerFactory.getLogger(LxcConsoleSession.class);
    private static final int POLL_MILLIS = 200;
    private static final int READ_BUFFER = 16 * 1024;
    /** Input the console has not taken yet, at most. */
    static final long MAX_INPUT_BACKLOG = 4L * 1024 * 1024;
    private static final byte[] STOP = new byte[0];

    private final LxcContainer.ConsoleFds fds;
    private final ExecSink output;
    private final BlockingQueue<byte[]> input = new LinkedBlockingQueue<>();
    private final AtomicLong backlog = new AtomicLong();
    private final CountDownLatch done = new CountDownLatch(2);
    private final Object lock = new Object();
    private volatile boolean ended;
    /** Guarded by {@link #lock}. */
    private boolean released;

    private LxcConsoleSession(LxcContainer.ConsoleFds fds, ExecSink output) {
        this.fds = fds;
        this.output = output;
    }

    /** Takes over {@code fds} (closing them if it cannot start). */
    static LxcConsoleSession start(LxcContainer.ConsoleFds fds, int width, int height, ExecSink output,
            ExecutorService io) {
        LxcConsoleSession session = new LxcConsoleSession(fds, output);
        try {
            int flags = LxcExecNative.Lib.INSTANCE.fcntl(fds.ptx(), LxcExecNative.F_GETFL, 0);
            LxcExecNative.Lib.INSTANCE.fcntl(fds.ptx(), LxcExecNative.F_SETFL, flags | LxcExecNative.O_NONBLOCK);
            if (width > 0 && height > 0) {
                LxcExecNative.setWindowSize(fds.ptx(), width, height);
            }
            io.execute(session::pump);
            io.execute(session::feed);
        } catch (RuntimeException e) {
            session.ended = true;
            session.release();
            throw e;
        }
        return session;
    }

    /** Copies the console's output to the sink until it ends or the session is closed. */
    private void pump() {
        byte[] buffer = new byte[READ_BUFFER];
        try {
            while (!ended) {
                int events = LxcExecNative.poll(fds.ptx(), LxcExecNative.POLLIN, POLL_MILLIS);
                if (events == 0) {
                    continue;
                }
                if ((events & LxcExecNative.POLLNVAL) != 0) {
                    break;
                }
                long n;
                try {
                    n = LxcExecNative.read(fds.ptx(), buffer);
                } catch (LastErrorException e) {
                    int errno = LxcExecNative.errno(e);
                    if (errno == LxcExecNative.EAGAIN || errno == LxcExecNative.EINTR) {
                        continue;
                    }
                    break; // EIO: the monitor closed the other end, the container stopped
                }
                if (n <= 0) {
                    break;
                }
                output.write(Arrays.copyOf(buffer, (int) n));
            }
        } catch (RuntimeException | Error e) {
            LOG.warn("console output failed", e);
        } finally {
            ended = true;
            input.add(STOP);
            try {
                output.end();
            } catch (RuntimeException e) {
                LOG.warn("console output sink failed at its end", e);
            }
            finished();
        }
    }

    /** Writes queued input until the session ends. */
    private void feed() {
        try {
            while (!ended) {
                byte[] chunk = input.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
                if (chunk == null || chunk == STOP) {
                    continue;
                }
                backlog.addAndGet(-chunk.length);
                writeFully(chunk);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            LOG.warn("console input failed", e);
        } finally {
            finished();
        }
    }

    private void writeFully(byte[] chunk) {
        int offset = 0;
        while (offset < chunk.length && !ended) {
            int events = LxcExecNative.poll(fds.ptx(), LxcExecNative.POLLOUT, POLL_MILLIS);
            if (events == 0) {
                continue;
            }
            if ((events & (LxcExecNative.POLLERR | LxcExecNative.POLLNVAL | LxcExecNative.POLLHUP)) != 0) {
                return;
            }
            try {
                byte[] rest = offset == 0 ? chunk : Arrays.copyOfRange(chunk, offset, chunk.length);
                offset += (int) LxcExecNative.write(fds.ptx(), rest, rest.length);
            } catch (LastErrorException e) {
                int errno = LxcExecNative.errno(e);
                if (errno != LxcExecNative.EAGAIN && errno != LxcExecNative.EINTR) {
                    return;
                }
            }
        }
    }

    /** Reader and writer are out: the descriptors may go. */
    private void finished() {
        done.countDown();
        if (done.getCount() == 0) {
            release();
        }
    }

    private void release() {
        synchronized (lock) {
            if (released) {
                return;
            }
            released = true;
            LxcExecNative.close(fds.ptx());
            LxcExecNative.close(fds.socket());
            input.clear();
        }
    }

    @Override
    public boolean write(byte[] data) {
        if (ended || data.length == 0) {
            return true;
        }
        if (backlog.addAndGet(data.length) > MAX_INPUT_BACKLOG) {
            backlog.addAndGet(-data.length);
            return false;
        }
        input.add(data);
        return true;
    }

    @Override
    public void resize(int width, int height) {
        if (width <= 0 || height <= 0) {
            return;
        }
        synchronized (lock) {
            if (!released) {
                try {
                    LxcExecNative.setWindowSize(fds.ptx(), width, height);
                } catch (LastErrorException e) {
                    LOG.debug("cannot resize a console: errno {}", e.getErrorCode());
                }
            }
        }
    }

    @Override
    public boolean ended() {
        return ended;
    }

    @Override
    public void close() {
        ended = true;
        input.add(STOP);
        try {
            if (!done.await(2, TimeUnit.SECONDS)) {
                LOG.warn("console relay did not stop within 2 s; releasing its descriptors");
                release();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            release();
        }
    }
}
