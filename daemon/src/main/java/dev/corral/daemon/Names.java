package dev.corral.daemon;

import dev.corral.api.ApiException;
import java.util.regex.Pattern;

/** Name rules for API objects, as Incus applies them. */
public final class Names {

    /** Instance names become host names: letters, digits and inner hyphens, at most 63, not starting with a digit. */
    private static final Pattern INSTANCE = Pattern.compile("[a-zA-Z]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?");

    private Names() {
    }

    public static void checkInstance(String name) {
        if (name == null || name.isEmpty()) {
            throw ApiException.badRequest("Instance name is required");
        }
        if (!INSTANCE.matcher(name).matches()) {
            throw ApiException.badRequest("Invalid instance name \"" + name + "\": names may only contain letters,"
                    + " digits and hyphens, must start with a letter, must not end with a hyphen, and must be at"
                    + " most 63 characters long");
        }
    }

    /** Names that appear in URLs (profiles, aliases, pools): no slashes, no control characters, not "." or "..". */
    public static void checkObject(String kind, String name) {
        if (name == null || name.isEmpty()) {
            throw ApiException.badRequest(kind + " name is required");
        }
        if (name.equals(".") || name.equals("..") || name.contains("/") || name.length() > 255
                || name.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw ApiException.badRequest("Invalid " + kind.toLowerCase(java.util.Locale.ROOT) + " name \"" + name
                    + "\"");
        }
    }
}
