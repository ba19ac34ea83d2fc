package dev.corral.daemon;

import dev.corral.api.ApiException;
import java.util.regex.Pattern;

/** Name rules for API objects, as Incus applies them. */
public final class Names {

    /** Instance names become host names: letters, digits and inner hyphens, at most 63, not all digits. */
    private static final Pattern INSTANCE = Pattern.compile("[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?");
    private static final Pattern DIGITS = Pattern.compile("[0-9]+");
    private static final String[] ADJECTIVES = {"amber", "brave", "calm", "dapper", "eager", "fair", "gentle",
        "happy", "keen", "lively", "merry", "nimble", "proud", "quick", "rapid", "steady", "tidy", "vivid", "witty"};
    private static final String[] ANIMALS = {"badger", "beaver", "bison", "camel", "crane", "falcon", "gecko",
        "heron", "ibex", "koala", "lemur", "marten", "otter", "panda", "quail", "raven", "stoat", "tapir", "wombat"};
    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    private Names() {
    }

    public static void checkInstance(String name) {
        if (name == null || name.isEmpty()) {
            throw ApiException.badRequest("Instance name is required");
        }
        if (!INSTANCE.matcher(name).matches() || DIGITS.matcher(name).matches()) {
            throw ApiException.badRequest("Invalid instance name \"" + name + "\": names may only contain letters,"
                    + " digits and hyphens, must not start or end with a hyphen, must not be all digits, and must"
                    + " be at most 63 characters long");
        }
    }

    /** A name for an instance created without one, as Incus makes them ({@code adjective-animal}). */
    public static String randomInstanceName() {
        return ADJECTIVES[RANDOM.nextInt(ADJECTIVES.length)] + "-" + ANIMALS[RANDOM.nextInt(ANIMALS.length)];
    }

    /**
     * Names that appear in URLs (profiles, aliases, pools, volumes): no slashes, no control characters, nothing that
     * is not text (a lone UTF-16 surrogate from a JSON escape would be stored as "?"), not "." or "..".
     */
    public static void checkObject(String kind, String name) {
        if (name == null || name.isEmpty()) {
            throw ApiException.badRequest(kind + " name is required");
        }
        if (name.equals(".") || name.equals("..") || name.contains("/") || name.length() > 255
                || name.chars().anyMatch(c -> c < 0x20 || c == 0x7f)
                || name.codePoints().anyMatch(c -> Character.getType(c) == Character.SURROGATE)) {
            throw ApiException.badRequest("Invalid " + kind.toLowerCase(java.util.Locale.ROOT) + " name \"" + name
                    + "\"");
        }
    }
}
