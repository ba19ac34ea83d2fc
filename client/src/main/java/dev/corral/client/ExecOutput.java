package dev.corral.client;

import java.nio.charset.StandardCharsets;

/**
 * A piece of a command's output.
 *
 * @param stream where it came from (an interactive command has only {@link Stream#STDOUT}: its terminal)
 * @param data the bytes, as the command wrote them
 */
public record ExecOutput(Stream stream, byte[] data) {

    /** The output streams of a command. */
    public enum Stream {
        /** Standard output (or an interactive command's terminal). */
        STDOUT,
        /** Standard error. */
        STDERR
    }

    /** The bytes as UTF-8 text (a piece may end inside a multi-byte character). */
    public String asText() {
        return new String(data, StandardCharsets.UTF_8);
    }
}
