package dev.corral.client;

import java.nio.charset.StandardCharsets;

/**
 * A finished command: its exit code and everything it wrote.
 *
 * @param exitCode the exit status (128 + n when killed by signal n)
 * @param stdout standard output (for an interactive command: everything its terminal showed)
 * @param stderr standard error (empty for an interactive command)
 */
public record ExecResult(int exitCode, byte[] stdout, byte[] stderr) {

    /** Standard output as UTF-8 text. */
    public String stdoutText() {
        return new String(stdout, StandardCharsets.UTF_8);
    }

    /** Standard error as UTF-8 text. */
    public String stderrText() {
        return new String(stderr, StandardCharsets.UTF_8);
    }
}
