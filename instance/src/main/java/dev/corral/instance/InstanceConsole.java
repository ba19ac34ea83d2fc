package dev.corral.instance;

import java.io.IOException;

/**
 * The console capability of a driver ({@code driver.capability(InstanceConsole.class)}): the instance's own console
 * (a container's {@code /dev/console}, a VM's serial port), attached to interactively, and the log of what it
 * printed.
 *
 * <p>Threading: every method blocks and may be called from any worker thread, never an event loop.
 */
public interface InstanceConsole {

    /**
     * Attaches to the console of the running instance {@code spec}, whose output goes to {@code output} (from one
     * driver thread, in order) until the session is closed or the console goes away (the instance stopped): then
     * {@link ExecSink#end()} is called once. Closing the session detaches and leaves the instance running; another
     * session may attach afterwards.
     *
     * @param width columns of the client's terminal, 0 when unknown
     * @param height rows of the client's terminal, 0 when unknown
     * @throws DriverException when the console cannot be attached (the instance does not run, another session holds
     *     the console)
     */
    ConsoleSession attach(InstanceSpec spec, int width, int height, ExecSink output);

    /**
     * What the console printed, as the driver keeps it: for a running instance what it printed since the last
     * read (a read consumes it, as Incus's reads of LXC's ring buffer do), for a stopped one its console log file
     * (empty when there is none).
     */
    byte[] log(InstanceSpec spec) throws IOException;

    /**
     * Empties the console log: a running instance's buffer, a stopped one's log file.
     *
     * @throws java.nio.file.NoSuchFileException when the instance is stopped and has no log file
     */
    void clearLog(InstanceSpec spec) throws IOException;

    /** An attached console, from {@link #attach}. Methods may be called from any thread and never block for long. */
    interface ConsoleSession extends AutoCloseable {

        /**
         * Queues input for the console; false when the backlog the console has not taken yet is over the driver's
         * limit (the bytes were then dropped). Input after the session ended is dropped.
         */
        boolean write(byte[] data);

        /** The client's terminal changed size (columns, rows). */
        void resize(int width, int height);

        /** True once the console went away or the session was closed. */
        boolean ended();

        /** Detaches (the instance keeps running) and releases everything; idempotent. */
        @Override
        void close();
    }
}
