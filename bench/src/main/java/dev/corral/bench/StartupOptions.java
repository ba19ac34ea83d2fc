package dev.corral.bench;

import java.time.Duration;
import java.util.List;

/**
 * What {@link StartupBench} should do.
 *
 * @param command the daemon launcher and its arguments, started with a fresh {@code CORRAL_DIR} each run
 * @param runs    how many start-ups to time
 * @param timeout how long one start-up may take before the run fails
 */
record StartupOptions(List<String> command, int runs, Duration timeout) {

    static final String USAGE = """
            usage: StartupBench [--runs N] [--timeout S] -- COMMAND [ARG...]
              --runs N       start-ups to time (default 5)
              --timeout S    give up on one start-up after S seconds (default 60)
              COMMAND        the daemon launcher, e.g. packaging/target/corral/bin/corrald
            """;

    static StartupOptions parse(String[] argv) {
        int runs = 5;
        Duration timeout = Duration.ofSeconds(60);
        List<String> command = List.of();
        Args a = new Args(argv);
        while (a.hasNext()) {
            String flag = a.nextFlag();
            switch (flag) {
                case "--runs" -> runs = a.positiveInt(flag);
                case "--timeout" -> timeout = a.seconds(flag);
                case "--" -> command = List.copyOf(a.rest());
                default -> throw new IllegalArgumentException("unknown option " + flag);
            }
        }
        if (command.isEmpty()) {
            throw new IllegalArgumentException("no command given after --");
        }
        if (timeout.isZero()) {
            throw new IllegalArgumentException("--timeout must be positive");
        }
        return new StartupOptions(command, runs, timeout);
    }
}
