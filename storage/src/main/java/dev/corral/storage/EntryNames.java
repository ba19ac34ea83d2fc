package dev.corral.storage;

import dev.corral.api.ApiException;
import java.util.Set;

/** Checks and cleans tarball entry names: relative, no {@code ..}, no NUL; {@code ./} and empty parts dropped. */
final class EntryNames {

    private EntryNames() {
    }

    /**
     * The cleaned name ({@code ./etc//passwd} gives {@code etc/passwd}; the root {@code ./} gives {@code ""}).
     *
     * @throws ApiException 400 for an absolute name or one with a {@code ..} part
     */
    static String clean(String raw) {
        if (raw.startsWith("/")) {
            throw ApiException.badRequest("Image tarball entry " + quote(raw) + " is an absolute path");
        }
        if (raw.indexOf('\0') >= 0) {
            throw ApiException.badRequest("Image tarball entry " + quote(raw) + " contains a NUL character");
        }
        StringBuilder out = new StringBuilder(raw.length());
        for (String part : raw.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                throw ApiException.badRequest("Image tarball entry " + quote(raw) + " contains \"..\"");
            }
            if (out.length() > 0) {
                out.append('/');
            }
            out.append(part);
        }
        return out.toString();
    }

    /**
     * Refuses a name that goes through one of the archive's own symbolic links ({@code link -> /etc} then
     * {@code link/passwd}): extracting it would write outside the target.
     */
    static void checkNotThroughLink(String name, Set<String> symlinks, String raw) {
        if (symlinks.isEmpty()) {
            return;
        }
        int slash = name.indexOf('/');
        while (slash >= 0) {
            String prefix = name.substring(0, slash);
            if (symlinks.contains(prefix)) {
                throw ApiException.badRequest("Image tarball entry " + quote(raw)
                        + " goes through the symbolic link " + quote(prefix) + " of the same tarball");
            }
            slash = name.indexOf('/', slash + 1);
        }
    }

    static String quote(String s) {
        return "\"" + s.replace("\"", "\\\"") + "\"";
    }
}
