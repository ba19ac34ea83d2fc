package dev.corral.daemon.trust;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Incus's expiry expressions ({@code core.remote_token_expiry}): space-separated amounts with a unit, each unit
 * at most once: S seconds, M minutes, H hours, d days, w weeks, m months, y years (e.g. {@code "1d 12H"}).
 */
public final class TokenExpiry {

    private static final Pattern PART = Pattern.compile("^(\\d{1,9})([SMHdwmy])$");

    private TokenExpiry() {
    }

    public static boolean isValid(String expression) {
        return parse(expression) != null;
    }

    /** When a token issued at {@code now} expires; null for "" (never). */
    static Instant from(Instant now, String expression) {
        if (expression == null || expression.isBlank()) {
            return null;
        }
        Map<String, Integer> amounts = parse(expression);
        if (amounts == null) {
            throw new IllegalArgumentException("invalid expiry: " + expression);
        }
        ZonedDateTime at = now.atZone(ZoneOffset.UTC)
                .plusYears(amounts.getOrDefault("y", 0))
                .plusMonths(amounts.getOrDefault("m", 0))
                .plusDays(amounts.getOrDefault("d", 0) + 7L * amounts.getOrDefault("w", 0));
        return at.toInstant().plus(Duration.ofHours(amounts.getOrDefault("H", 0))
                .plusMinutes(amounts.getOrDefault("M", 0)).plusSeconds(amounts.getOrDefault("S", 0)));
    }

    private static Map<String, Integer> parse(String expression) {
        Map<String, Integer> amounts = new HashMap<>();
        for (String part : expression.trim().split(" ")) {
            Matcher match = PART.matcher(part);
            if (!match.matches() || amounts.put(match.group(2), Integer.parseInt(match.group(1))) != null) {
                return null;
            }
        }
        return amounts;
    }
}
