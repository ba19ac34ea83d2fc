package dev.corral.container.lxc;

import com.sun.jna.LastErrorException;
import dev.corral.instance.DriverException;
import dev.corral.instance.ExecIo;
import dev.corral.instance.ExecProcess;
import dev.corral.instance.ExecSink;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One command under {@code lxc-attach} (see {@link LxcExec}) and the streams around it.
 *
 * <p>lxc-attach is started with {@code posix_spawn} (vfork-style, never a fork of the JVM) in a new session, with no
 * signal blocked or ignored (a JVM thread blocks SIGQUIT, and corrald may have been started with SIGINT ignored:
 * the command must not inherit that), and no descriptor of the JVM's but its three standard ones (lxc-attach passes
 * inherited descriptors on into the container).
 *
 * <p>Streams: the JVM creates the pipes (or the pseudo-terminal) itself and keeps its ends as raw descriptors, so
 * that every read and write is polled with a timeout: no thread ever blocks for good on a command that stops reading
 * its input or leaves a background process holding its output.
 *
 * <p>Terminal: a pseudo-terminal pair on the host, whose terminal end becomes lxc-attach's standard streams and
 * controlling terminal (opened in the child's new session; the JVM never opens a terminal device, which could make
 * it the JVM's controlling terminal). Finding a terminal on its standard input, lxc-attach allocates the command's
 * terminal inside the container's devpts (so {@code tty} names a {@code /dev/pts/N} of the container), sets the host
 * one raw and relays; a new window size set on the host pair reaches it as SIGWINCH from the kernel, and it passes
 * the size on.
 *
 * <p>Signals go to the attached command, not to lxc-attach (which forwards none): it is lxc-attach's child that
 * lives in the container's pid namespace, found through {@code /proc/<pid>/task/<pid>/children} and held by a pidfd.
 *
 * <p>Threads: one reader per output stream and one writer for the input, from the driver's I/O pool; another task
 * there waits for lxc-attach and finishes the session. Signal delivery runs there too, in order.
 */
final class LxcExecProcess implements ExecProcess {

    private static final Logger LOG = LoggerFactory.getLogger(LxcExecProcess.class);

    /** How long a reader or the writer waits in one poll before looking at the session's state again. */
    private static final int POLL_MILLIS = 200;
    /** After the command ended, output that keeps coming (from a background process) is cut after this. */
    private static final long DRAIN_AFTER_EXIT_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** Input the command has not read yet, at most (the websockets have no flow control to slow the client). */
    static final long MAX_INPUT_BACKLOG = 64L * 1024 * 1024;
    /** How long a signal waits for the attached command to appear (it appears within milliseconds of the start). */
    private static final long ATTACHED_PID_WAIT_NANOS = TimeUnit.SECONDS.toNanos(2);
    /** How long input to a terminal waits for lxc-attach to set it up. */
    private static final long TERMINAL_SETUP_WAIT_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final byte[] END_OF_INPUT = new byte[0];
    private static final byte[] STOP = new byte[0];
    private static final int READ_BUFFER = 64 * 1024;
    private static final String HOST_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private final Helper helper;
    private final ExecutorService io;
    private final boolean terminal;
    private final BooleanSupplier instanceRuns;
    /** The input end: the pipe to the command's stdin, or the terminal's controlling end; -1 when none. */
    private volatile int inputFd;
    /** The controlling end of the terminal, or -1. */
    private final int ptyFd;
    private final List<Integer> outputFds;
    private final BlockingQueue<byte[]> input = new LinkedBlockingQueue<>();
    private final AtomicLong backlog = new AtomicLong();
    private final CountDownLatch streamsDone;
    private final CountDownLatch writerDone;
    private final CompletableFuture<Integer> result = new CompletableFuture<>();
    private final Object lock = new Object();

    private volatile boolean exited;
    private volatile boolean inputClosed;
    private volatile boolean stopping;
    /** Guarded by {@link #lock}. */
    private boolean released;
    /** Guarded by {@link #lock}: the attached command's pidfd once found, else -1. */
    private int attachedPidfd = -1;
    /** Guarded by {@link #lock}: signals go out in order, one after the other, off the caller's thread. */
    private CompletableFuture<Void> signals = CompletableFuture.completedFuture(null);

    private LxcExecProcess(Helper helper, ExecutorService io, boolean terminal, BooleanSupplier instanceRuns,
            int inputFd, int ptyFd, List<Integer> outputFds, int streams) {
        this.helper = helper;
        this.io = io;
        this.terminal = terminal;
        this.instanceRuns = instanceRuns;
        this.inputFd = inputFd;
        this.ptyFd = ptyFd;
        this.outputFds = outputFds;
        this.streamsDone = new CountDownLatch(streams);
        this.writerDone = new CountDownLatch(inputFd >= 0 ? 1 : 0);
    }

    /**
     * Starts {@code command} (lxc-attach and its arguments) in {@code directory}, streams as {@code io} says;
     * {@code instanceRuns} tells, when lxc-attach fails, whether the instance still runs.
     */
    static LxcExecProcess start(List<String> command, Path directory, ExecIo streams, BooleanSupplier instanceRuns,
            ExecutorService io) {
        List<Integer> mine = new ArrayList<>(); // descriptors the JVM keeps
        List<Integer> theirs = new ArrayList<>(); // the child's ends, closed here once it started
        try {
            LxcExecProcess process;
            if (streams instanceof ExecIo.Pipes pipes) {
                int[] in = LxcExecNative.pipe(1);
                theirs.add(in[0]);
                mine.add(in[1]);
                int[] out = LxcExecNative.pipe(0);
                mine.add(out[0]);
                theirs.add(out[1]);
                int[] err = LxcExecNative.pipe(0);
                mine.add(err[0]);
                theirs.add(err[1]);
                Helper helper = Helper.spawn(command, directory, List.of(new LxcExecNative.Dup(0, in[0]),
                        new LxcExecNative.Dup(1, out[1]), new LxcExecNative.Dup(2, err[1])));
                process = new LxcExecProcess(helper, io, false, instanceRuns, in[1], -1, List.of(out[0], err[0]), 2);
                mine.clear(); // the process owns them now
                process.startPump(out[0], pipes.stdout());
                process.startPump(err[0], pipes.stderr());
                process.startWriter();
            } else if (streams instanceof ExecIo.Terminal term) {
                int pty = LxcExecNative.openPty();
                mine.add(pty);
                String pts = LxcExecNative.unlockPty(pty);
                if (term.width() > 0 && term.height() > 0) {
                    LxcExecNative.setWindowSize(pty, term.width(), term.height());
                }
                // opened in the child's new session: it becomes lxc-attach's controlling terminal
                Helper helper = Helper.spawn(command, directory, List.of(
                        new LxcExecNative.Open(0, pts, LxcExecNative.O_RDWR),
                        new LxcExecNative.Dup(1, 0), new LxcExecNative.Dup(2, 0)));
                process = new LxcExecProcess(helper, io, true, instanceRuns, pty, pty, List.of(pty), 1);
                mine.clear();
                process.startPump(pty, term.output());
                process.startWriter();
            } else {
                ExecIo.Files files = (ExecIo.Files) streams;
                int create = LxcExecNative.O_WRONLY | LxcExecNative.O_CREAT | LxcExecNative.O_TRUNC;
                Helper helper = Helper.spawn(command, directory, List.of(
                        new LxcExecNative.Open(0, "/dev/null", LxcExecNative.O_RDONLY),
                        new LxcExecNative.Open(1, files.stdout() == null ? "/dev/null" : files.stdout().toString(),
                                create),
                        new LxcExecNative.Open(2, files.stderr() == null ? "/dev/null" : files.stderr().toString(),
                                create)));
                process = new LxcExecProcess(helper, io, false, instanceRuns, -1, -1, List.of(), 0);
            }
            io.execute(process::reap);
            return process;
        } catch (LastErrorException e) {
            throw new DriverException("cannot start " + command.get(0) + ": errno " + e.getErrorCode(), e);
        } finally {
            theirs.forEach(LxcExecNative::close);
            mine.forEach(LxcExecNative::close);
        }
    }

    /** lxc-attach as the JVM's child: its pid, a pidfd on it, and whether it has been reaped. */
    private static final class Helper {
        private final int pid;
        private final int pidfd;
        private volatile boolean reaped;

        private Helper(int pid, int pidfd) {
            this.pid = pid;
            this.pidfd = pidfd;
        }

        static Helper spawn(List<String> command, Path directory, List<LxcExecNative.ChildFd> fds) {
            // nothing of the daemon's environment reaches lxc-attach or the command
            int pid = LxcExecNative.spawn(command, List.of("PATH=" + HOST_PATH), directory, fds);
            int pidfd;
            try {
                pidfd = LxcExecNative.pidfdOpen(pid); // not reaped yet, so the pid cannot have been reused
            } catch (LastErrorException e) {
                pidfd = -1; // then it is only ever waited for, never signalled
            }
            return new Helper(pid, pidfd);
        }

        boolean isAlive() {
            return !reaped;
        }

        void kill() {
            if (!reaped && pidfd >= 0) {
                try {
                    LxcExecNative.pidfdSendSignal(pidfd, LxcExecNative.SIGKILL);
                } catch (LastErrorException e) {
                    // already gone
                }
            }
        }
    }

    // ---- streams

    private void startPump(int fd, ExecSink sink) {
        io.execute(() -> {
            try {
                pump(fd, sink);
            } catch (RuntimeException | Error e) {
                LOG.warn("exec output stream failed", e);
            } finally {
                try {
                    sink.end();
                } catch (RuntimeException e) {
                    LOG.warn("exec output sink failed at its end", e);
                }
                streamsDone.countDown();
            }
        });
    }

    /**
     * Copies one output to its sink until end of file (or, on a terminal, until its other end is gone: EIO); once
     * the command has exited, also when nothing more comes within one poll, or more keeps coming for over a second
     * (background processes that hold the stream do not hold the session; Incus's rule).
     */
    private void pump(int fd, ExecSink sink) {
        byte[] buffer = new byte[READ_BUFFER];
        long drainDeadline = 0;
        while (true) {
            boolean ended = exited;
            int events = LxcExecNative.poll(fd, LxcExecNative.POLLIN, POLL_MILLIS);
            if (events == 0) {
                if (ended) {
                    return;
                }
                continue;
            }
            if ((events & LxcExecNative.POLLNVAL) != 0) {
                return;
            }
            long n;
            try {
                n = LxcExecNative.read(fd, buffer);
            } catch (LastErrorException e) {
                int errno = LxcExecNative.errno(e);
                if (errno == LxcExecNative.EAGAIN || errno == LxcExecNative.EINTR) {
                    continue;
                }
                return; // EIO: the terminal's other end is closed
            }
            if (n <= 0) {
                return;
            }
            sink.write(Arrays.copyOf(buffer, (int) n));
            if (ended) {
                long now = System.nanoTime();
                if (drainDeadline == 0) {
                    drainDeadline = now + DRAIN_AFTER_EXIT_NANOS;
                } else if (now - drainDeadline > 0) {
                    return;
                }
            }
        }
    }

    private void startWriter() {
        io.execute(() -> {
            try {
                feed();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException | Error e) {
                LOG.warn("exec input stream failed", e);
            } finally {
                writerDone.countDown();
            }
        });
    }

    /** Writes queued input until end of input, a broken pipe or the end of the session. */
    private void feed() throws InterruptedException {
        if (terminal) {
            awaitTerminalSetUp();
        }
        boolean broken = false;
        while (!stopping) {
            byte[] chunk = input.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
            if (chunk == null || chunk == STOP) {
                continue;
            }
            if (chunk == END_OF_INPUT) {
                if (!terminal) {
                    int fd = inputFd;
                    inputFd = -1;
                    LxcExecNative.close(fd);
                }
                return;
            }
            backlog.addAndGet(-chunk.length);
            if (!broken) {
                broken = !writeFully(chunk);
            }
        }
    }

    /**
     * Waits until lxc-attach has set up the host terminal (it leaves canonical mode; it also flushes pending input
     * then, so nothing may be written before), then turns off its NL to CR-NL mapping: the container's terminal
     * already maps, and its bytes pass through unchanged, as from Incus.
     */
    private void awaitTerminalSetUp() throws InterruptedException {
        long deadline = System.nanoTime() + TERMINAL_SETUP_WAIT_NANOS;
        while (!stopping && !exited) {
            try {
                if ((LxcExecNative.localFlags(ptyFd) & LxcExecNative.ICANON) == 0) {
                    LxcExecNative.clearOutputFlags(ptyFd, LxcExecNative.ONLCR);
                    return;
                }
            } catch (LastErrorException e) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                LOG.debug("lxc-attach did not set up its terminal within {} s", TimeUnit.NANOSECONDS.toSeconds(
                        TERMINAL_SETUP_WAIT_NANOS));
                return;
            }
            Thread.sleep(1);
        }
    }

    /** False when the command can no longer be written to (it closed its input, or the terminal is gone). */
    private boolean writeFully(byte[] chunk) {
        int fd = inputFd;
        int offset = 0;
        while (offset < chunk.length && !stopping) {
            int events = LxcExecNative.poll(fd, LxcExecNative.POLLOUT, POLL_MILLIS);
            if (events == 0) {
                continue;
            }
            if ((events & (LxcExecNative.POLLERR | LxcExecNative.POLLNVAL)) != 0) {
                return false;
            }
            try {
                byte[] rest = offset == 0 ? chunk : Arrays.copyOfRange(chunk, offset, chunk.length);
                offset += (int) LxcExecNative.write(fd, rest, rest.length);
            } catch (LastErrorException e) {
                int errno = LxcExecNative.errno(e);
                if (errno != LxcExecNative.EAGAIN && errno != LxcExecNative.EINTR) {
                    return false; // EPIPE: nobody reads any more
                }
            }
        }
        return true;
    }

    // ---- the end

    /** Waits for lxc-attach to exit (on an I/O thread), lets the streams drain, then ends the session. */
    private void reap() {
        try {
            int status = LxcExecNative.waitpid(helper.pid);
            helper.reaped = true;
            exited = true;
            streamsDone.await();
            stopping = true;
            input.add(STOP); // wakes the writer
            writerDone.await();
            release();
            // lxc-attach exits 1 when it cannot attach (its messages are silenced: they would land in the
            // command's stderr); the one cause that can happen after the daemon's checks is a stopped instance
            if (status == 1 && !instanceRuns.getAsBoolean()) {
                result.completeExceptionally(new DriverException("Instance is not running"));
            } else {
                result.complete(status);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            release();
            result.completeExceptionally(new DriverException("interrupted while ending an exec", e));
        } catch (RuntimeException e) {
            release();
            result.completeExceptionally(e);
        }
    }

    private void release() {
        synchronized (lock) {
            if (released) {
                return;
            }
            released = true;
            stopping = true;
            outputFds.forEach(LxcExecNative::close);
            if (inputFd >= 0 && inputFd != ptyFd) {
                LxcExecNative.close(inputFd);
            }
            inputFd = -1;
            LxcExecNative.close(attachedPidfd);
            attachedPidfd = -1;
            LxcExecNative.close(helper.pidfd);
            input.clear();
        }
    }

    // ---- ExecProcess

    @Override
    public boolean write(byte[] data) {
        if (inputClosed || exited || inputFd < 0 || data.length == 0) {
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
    public void closeInput() {
        if (!terminal && !inputClosed) {
            inputClosed = true;
            input.add(END_OF_INPUT);
        }
    }

    @Override
    public void resize(int width, int height) {
        if (!terminal || width <= 0 || height <= 0) {
            return;
        }
        synchronized (lock) {
            if (!released) {
                try {
                    // lxc-attach has this terminal as its controlling one: the kernel sends it SIGWINCH
                    LxcExecNative.setWindowSize(ptyFd, width, height);
                } catch (LastErrorException e) {
                    LOG.debug("cannot resize an exec terminal: errno {}", e.getErrorCode());
                }
            }
        }
    }

    @Override
    public void signal(int signal) {
        synchronized (lock) {
            signals = signals.thenRunAsync(() -> {
                try {
                    deliver(signal);
                } catch (RuntimeException e) {
                    LOG.warn("cannot send signal {} to an exec command", signal, e);
                }
            }, io);
        }
    }

    @Override
    public void kill() {
        signal(LxcExecNative.SIGKILL);
    }

    private void deliver(int signal) {
        int pidfd = attachedPidfd();
        if (pidfd < 0) {
            if (signal == LxcExecNative.SIGKILL) {
                helper.kill(); // not attached (yet): stop lxc-attach before it runs anything
            }
            return;
        }
        try {
            LxcExecNative.pidfdSendSignal(pidfd, signal);
        } catch (LastErrorException e) {
            if (e.getErrorCode() != LxcExecNative.ESRCH) {
                LOG.debug("cannot send signal {} to an exec command: errno {}", signal, e.getErrorCode());
            }
        }
    }

    /** The attached command's pidfd (found and opened once), or -1 when there is none (yet, or any more). */
    private int attachedPidfd() {
        synchronized (lock) {
            if (attachedPidfd >= 0 || released) {
                return attachedPidfd;
            }
        }
        long deadline = System.nanoTime() + ATTACHED_PID_WAIT_NANOS;
        while (helper.isAlive() && System.nanoTime() - deadline < 0) {
            int pidfd = openAttached(helper.pid);
            if (pidfd >= 0) {
                synchronized (lock) {
                    if (released || attachedPidfd >= 0) {
                        LxcExecNative.close(pidfd);
                        return attachedPidfd;
                    }
                    attachedPidfd = pidfd;
                    return pidfd;
                }
            }
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        }
        return -1;
    }

    /**
     * A pidfd for lxc-attach's child in another pid namespace (the attached command; the short-lived intermediate
     * child stays in the host's), checked to still be lxc-attach's child once held; -1 when there is none.
     */
    static int openAttached(long helperPid) {
        Path proc = Path.of("/proc", Long.toString(helperPid));
        try {
            Path helperNs = Files.readSymbolicLink(proc.resolve("ns/pid"));
            String children = Files.readString(proc.resolve("task").resolve(Long.toString(helperPid))
                    .resolve("children"), StandardCharsets.US_ASCII).trim();
            for (String child : children.isEmpty() ? new String[0] : children.split("\\s+")) {
                Path childProc = Path.of("/proc", child);
                if (Files.readSymbolicLink(childProc.resolve("ns/pid")).equals(helperNs)) {
                    continue;
                }
                int pidfd;
                try {
                    pidfd = LxcExecNative.pidfdOpen(Long.parseLong(child));
                } catch (LastErrorException e) {
                    continue; // gone already
                }
                if (parentOf(childProc) == helperPid) {
                    return pidfd;
                }
                LxcExecNative.close(pidfd);
            }
        } catch (NoSuchFileException e) {
            return -1;
        } catch (IOException | RuntimeException e) {
            LOG.debug("cannot find the attached command of lxc-attach {}: {}", helperPid, e.toString());
        }
        return -1;
    }

    private static long parentOf(Path proc) throws IOException {
        for (String line : Files.readAllLines(proc.resolve("status"), StandardCharsets.US_ASCII)) {
            if (line.startsWith("PPid:")) {
                return Long.parseLong(line.substring(5).trim());
            }
        }
        return -1;
    }

    @Override
    public int waitFor() throws InterruptedException {
        try {
            return result.get();
        } catch (ExecutionException e) {
            throw unwrap(e);
        }
    }

    @Override
    public boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException {
        try {
            result.get(timeout, unit);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            return true; // ended; waitFor() throws the reason
        }
    }

    private static RuntimeException unwrap(ExecutionException e) {
        return e.getCause() instanceof RuntimeException r ? r
                : new DriverException("exec failed: " + e.getCause(), e.getCause());
    }

    @Override
    public void close() {
        if (result.isDone()) {
            return;
        }
        // even when closing because the thread was interrupted (daemon shutdown), the command must be killed: a
        // killed lxc-attach would leave it running inside
        boolean interrupted = Thread.interrupted();
        try {
            deliver(LxcExecNative.SIGKILL);
            if (waitFor(5, TimeUnit.SECONDS)) {
                return;
            }
            helper.kill();
            if (waitFor(5, TimeUnit.SECONDS)) {
                return;
            }
            LOG.warn("an exec command did not end when killed; releasing its streams");
            release();
        } catch (InterruptedException e) {
            interrupted = true;
            helper.kill();
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // ---- helpers

    static Path findExecutable(String name) {
        for (String dir : List.of("/usr/sbin", "/usr/bin", "/sbin", "/bin", "/usr/local/sbin", "/usr/local/bin")) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }
}
