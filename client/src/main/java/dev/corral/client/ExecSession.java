package dev.corral.client;

import java.io.InputStream;
import java.util.concurrent.CompletableFuture;

/**
 * A running command ({@link Instances#exec}). Its output goes to the callback given to {@code exec}; this handle
 * feeds its input, controls it and reports its exit code. Thread-safe.
 *
 * <p>Standard input stays open until {@link #closeStdin()} (or {@link #pipeStdin} reaches the end of its stream): a
 * command that reads it waits until then.
 */
public interface ExecSession extends AutoCloseable {

    /** The exec operation (its metadata holds the exit code once it ends). */
    OperationHandle operation();

    /** Writes to the command's standard input (its terminal, if interactive). */
    CompletableFuture<Void> writeStdin(byte[] data);

    /** Ends the command's standard input (end of file). */
    CompletableFuture<Void> closeStdin();

    /** Copies {@code in} to standard input on a callback thread, then ends it; completes when all is written. */
    CompletableFuture<Void> pipeStdin(InputStream in);

    /** Tells an interactive command's terminal its new size. */
    CompletableFuture<Void> resize(int columns, int rows);

    /** Sends a signal to the command (e.g. 15 for SIGTERM). */
    CompletableFuture<Void> signal(int signal);

    /**
     * The exit code, once the command ended and its output was delivered; fails if the operation failed or the
     * streams broke.
     */
    CompletableFuture<Integer> exitCode();

    /**
     * Abandons the command: closes its streams, and the daemon kills it. The callback then completes (with whatever
     * exit code the daemon reports) or fails.
     */
    @Override
    void close();
}
