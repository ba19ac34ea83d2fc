package dev.corral.bench;

import java.time.Duration;
import java.util.List;

/** A cursor over {@code --flag value} command-line arguments, with the conversions both tools need. */
final class Args {

    private final List<String> args;
    private int next;

    Args(String[] args) {
        this.args = List.of(args);
    }

    boolean hasNext() {
        return next < args.size();
    }

    String nextFlag() {
        return args.get(next++);
    }

    /** Everything not read yet (for a command line after {@code --}). */
    List<String> rest() {
        List<String> rest = args.subList(next, args.size());
        next = args.size();
        return rest;
    }

    String value(String flag) {
        if (!hasNext()) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args.get(next++);
    }

    int positiveInt(String flag) {
        String v = value(flag);
        try {
            int n = Integer.parseInt(v);
            if (n <= 0) {
                throw new IllegalArgumentException(flag + " must be positive: " + v);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " is not an integer: " + v, e);
        }
    }

    /** Seconds, fractions allowed ("0.5"); zero allowed (no warm-up). */
    Duration seconds(String flag) {
        String v = value(flag);
        try {
            double s = Double.parseDouble(v);
            if (s < 0 || Double.isNaN(s) || Double.isInfinite(s)) {
                throw new IllegalArgumentException(flag + " must be a non-negative number of seconds: " + v);
            }
            return Duration.ofNanos(Math.round(s * 1e9));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " is not a number of seconds: " + v, e);
        }
    }
}
