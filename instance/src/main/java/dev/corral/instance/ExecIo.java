package dev.corral.instance;

import java.nio.file.Path;
import java.util.Objects;

/** How a command's standard streams are connected. */
public sealed interface ExecIo {

    /**
     * Three pipes: standard input fed through {@link ExecProcess#write} and {@link ExecProcess#closeInput},
     * standard output and error delivered to their sinks.
     */
    record Pipes(ExecSink stdout, ExecSink stderr) implements ExecIo {
        public Pipes {
            Objects.requireNonNull(stdout, "stdout");
            Objects.requireNonNull(stderr, "stderr");
        }
    }

    /**
     * A terminal allocated inside the instance (the command's {@code tty} names it) of {@code width} columns and
     * {@code height} rows (0: the driver's default): input through {@link ExecProcess#write}, output (standard output
     * and error together, as a terminal has them) to {@code output}; {@link ExecProcess#resize} changes its size.
     */
    record Terminal(int width, int height, ExecSink output) implements ExecIo {
        public Terminal {
            Objects.requireNonNull(output, "output");
            if (width < 0 || height < 0) {
                throw new IllegalArgumentException("terminal size must not be negative: " + width + "x" + height);
            }
        }
    }

    /**
     * No input ({@code /dev/null}); standard output and error written into files (created or truncated), or
     * discarded where a path is null.
     */
    record Files(Path stdout, Path stderr) implements ExecIo {
    }
}
