package dev.corral.instance;

/**
 * Receives one output stream of a running command. The driver calls it from one thread per stream, in order, and
 * must not be held up long by it (hand the bytes on, don't do I/O that may block for long).
 */
public interface ExecSink {

    /** The next bytes (the array is the sink's to keep). */
    void write(byte[] data);

    /**
     * The stream ended: the command closed it, or the command exited and nothing more came for a moment (a
     * background process that keeps the stream open does not hold the session, as in Incus). Called once, last.
     */
    void end();
}
