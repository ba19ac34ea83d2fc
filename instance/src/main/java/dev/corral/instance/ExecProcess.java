package dev.corral.instance;

import java.util.concurrent.TimeUnit;

/**
 * A command running inside an instance, started by {@link Exec#start}. Every method may be called from any thread;
 * none blocks except the {@code waitFor} methods. Close it when done: closing kills the command if it still runs and
 * frees what the session holds.
 */
public interface ExecProcess extends AutoCloseable {

    /**
     * Queues bytes for the command's input (standard input, or the terminal). Returns false when the backlog of
     * input the command has not read yet is over the driver's limit: the caller should then give up on this command
     * (the bytes were not queued). Input after {@link #closeInput()} or after the command ended is dropped.
     */
    boolean write(byte[] data);

    /** End of input: standard input is closed once what was written has been delivered. Nothing for a terminal. */
    void closeInput();

    /** Changes the terminal's size (columns, rows); nothing without a terminal. */
    void resize(int width, int height);

    /** Sends a signal (Linux numbering) to the command; nothing once it has ended. */
    void signal(int signal);

    /** Kills the command ({@code SIGKILL}). */
    void kill();

    /**
     * Waits until the command has ended and its output has been delivered (every sink ended); returns its exit
     * status, {@code 128 + n} when signal {@code n} killed it.
     *
     * @throws DriverException when the command could not be run after all (the instance stopped meanwhile)
     */
    int waitFor() throws InterruptedException;

    /** {@link #waitFor()} for at most {@code timeout}: true when it ended (then {@link #waitFor()} returns at once). */
    boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException;

    /** Kills the command if it still runs and releases everything; waits briefly for it to go. */
    @Override
    void close();
}
