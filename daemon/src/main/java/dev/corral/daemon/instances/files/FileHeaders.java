package dev.corral.daemon.instances.files;

import dev.corral.api.ApiException;
import io.vertx.core.MultiMap;
import java.nio.file.attribute.FileTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The file headers of {@code /files}: {@code X-Incus-uid}, {@code -gid}, {@code -mode}, {@code -type}, {@code
 * -write} as the {@code incus} CLI sends them, or {@code X-LXD-*} as the {@code lxc} 5.0 CLI does (read when the
 * {@code X-Incus-} one is absent, as Incus does). Answers carry both spellings: the {@code lxc} 5.0 CLI reads only
 * {@code X-LXD-*}.
 *
 * @param uid  the owner inside the instance, -1 when not given (or not a number, as Incus reads it)
 * @param gid  the group, likewise
 * @param mode the permission bits, -1 when not given
 * @param type {@code file} (default), {@code directory} or {@code symlink}
 * @param write {@code overwrite} (default) or {@code append}
 */
record FileHeaders(long uid, long gid, int mode, String type, String write) {

    static final String FILE = "file";
    static final String DIRECTORY = "directory";
    static final String SYMLINK = "symlink";
    /** Go's {@code time.Time.String()} in UTC, to the second (what Incus sends in {@code X-Incus-modified}). */
    private static final DateTimeFormatter GO_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss '+0000 UTC'")
            .withZone(ZoneOffset.UTC);

    /** Reads the request's headers; a type or write mode that is not one of the above is a 400. */
    static FileHeaders parse(MultiMap headers) {
        long uid = number(header(headers, "uid"));
        long gid = number(header(headers, "gid"));
        int mode = mode(header(headers, "mode"));
        String type = header(headers, "type");
        type = type.isEmpty() ? FILE : type;
        String write = header(headers, "write");
        write = write.isEmpty() ? "overwrite" : write;
        if (!write.equals("overwrite") && !write.equals("append")) {
            throw ApiException.badRequest("Bad file write mode: " + write);
        }
        if (!type.equals(FILE) && !type.equals(DIRECTORY) && !type.equals(SYMLINK)) {
            throw ApiException.badRequest("Bad file type: " + type);
        }
        return new FileHeaders(uid, gid, mode, type, write);
    }

    private static String header(MultiMap headers, String name) {
        String value = headers.get("X-Incus-" + name);
        if (value == null || value.isEmpty()) {
            value = headers.get("X-LXD-" + name);
        }
        return value == null ? "" : value.trim();
    }

    private static long number(String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * As Incus ({@code api.ParseFileHeaders}): the value must be a decimal integer, and is then read with a base
     * prefix, so {@code 0644} is octal (what clients send, {@code %04o}) and {@code 644} decimal; the permission bits
     * of the result.
     */
    static int mode(String value) {
        if (!value.matches("[+-]?[0-9]+")) {
            return -1;
        }
        String digits = value.replaceFirst("^\\+", "");
        boolean negative = digits.startsWith("-");
        if (negative) {
            digits = digits.substring(1);
        }
        long parsed;
        try {
            parsed = digits.length() > 1 && digits.startsWith("0") ? Long.parseLong(digits.substring(1), 8)
                    : Long.parseLong(digits);
        } catch (NumberFormatException e) {
            return (int) (number(value) & 0777); // not octal after all (e.g. 089): Go keeps the decimal value
        }
        return (int) ((negative ? -parsed : parsed) & 0777);
    }

    /** The answer's headers for a file of {@code type}, in both spellings. */
    static Map<String, String> describe(long uid, long gid, int mode, String type, FileTime modified) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String prefix : new String[] {"X-Incus-", "X-LXD-"}) {
            out.put(prefix + "uid", Long.toString(uid));
            out.put(prefix + "gid", Long.toString(gid));
            out.put(prefix + "mode", String.format("%04o", mode & 0777));
            out.put(prefix + "type", type);
            out.put(prefix + "modified", GO_TIME.format(modified.toInstant()));
        }
        return out;
    }
}
