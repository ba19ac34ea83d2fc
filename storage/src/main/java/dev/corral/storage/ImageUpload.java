package dev.corral.storage;

import dev.corral.api.ApiException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * What the headers of an image upload ({@code POST /1.0/images} with a file body) say, as the {@code incus} CLI
 * sends them: {@code Content-Type} ({@code application/octet-stream} for a unified image, {@code multipart/form-data}
 * with parts {@code metadata} then {@code rootfs} or {@code rootfs.img} for a split one), {@code X-Incus-filename},
 * {@code X-Incus-public}, {@code X-Incus-properties} (URL-encoded, may repeat), {@code X-Incus-aliases},
 * {@code X-Incus-profiles}, {@code X-Incus-fingerprint}. The {@code lxc} CLI sends the same as {@code X-LXD-*}.
 *
 * @param contentType the Content-Type header, or null
 * @param filename X-Incus-filename (unified images keep it as their filename), or null
 * @param expectedFingerprint X-Incus-fingerprint: the upload is refused unless its sha256 is this; or null
 * @param isPublic X-Incus-public
 * @param properties X-Incus-properties: they override the properties of metadata.yaml
 * @param aliases X-Incus-aliases ({@code alias=a&alias=b}, or one plain name); the daemon creates them
 * @param profiles X-Incus-profiles ({@code profile=a&profile=b}, or one plain name); the daemon checks them
 */
public record ImageUpload(
        String contentType,
        String filename,
        String expectedFingerprint,
        boolean isPublic,
        Map<String, String> properties,
        List<String> aliases,
        List<String> profiles) {

    public ImageUpload {
        properties = Map.copyOf(properties);
        aliases = List.copyOf(aliases);
        profiles = List.copyOf(profiles);
    }

    /** An upload with only a content type: a unified image ({@code application/octet-stream}) by default. */
    public static ImageUpload of(String contentType) {
        return new ImageUpload(contentType, null, null, false, Map.of(), List.of(), List.of());
    }

    /**
     * Reads the upload headers. {@code header} gives all values of a header by name (the daemon's lookup must be
     * case-insensitive, as HTTP headers are), an empty list when absent. {@code X-Incus-*} wins over {@code X-LXD-*}.
     */
    public static ImageUpload fromHeaders(Function<String, List<String>> header) {
        String contentType = first(header.apply("Content-Type"));
        String filename = first(extension(header, "filename"));
        String fingerprint = first(extension(header, "fingerprint"));
        if (fingerprint != null) {
            fingerprint = fingerprint.trim().toLowerCase(Locale.ROOT);
            if (fingerprint.isEmpty()) {
                fingerprint = null;
            }
        }
        boolean isPublic = isTrue(first(extension(header, "public")));

        Map<String, String> properties = new LinkedHashMap<>();
        for (String value : extension(header, "properties")) {
            for (Map.Entry<String, List<String>> e : parseQuery(value).entrySet()) {
                properties.put(e.getKey(), e.getValue().get(0));
            }
        }
        return new ImageUpload(contentType, filename, fingerprint, isPublic, properties,
                names(first(extension(header, "aliases")), "alias"),
                names(first(extension(header, "profiles")), "profile"));
    }

    /** Whether the body is multipart/form-data (a split image). */
    public boolean multipart() {
        return contentType != null
                && contentType.toLowerCase(Locale.ROOT).trim().startsWith("multipart/form-data");
    }

    /** The multipart boundary from the Content-Type. */
    String boundary() {
        for (String param : contentType.split(";")) {
            String p = param.trim();
            int eq = p.indexOf('=');
            if (eq > 0 && p.substring(0, eq).trim().equalsIgnoreCase("boundary")) {
                String b = p.substring(eq + 1).trim();
                if (b.length() >= 2 && b.startsWith("\"") && b.endsWith("\"")) {
                    b = b.substring(1, b.length() - 1);
                }
                if (!b.isEmpty() && b.length() <= 70) {
                    return b;
                }
            }
        }
        throw ApiException.badRequest("multipart/form-data image upload without a valid boundary");
    }

    private static List<String> extension(Function<String, List<String>> header, String name) {
        List<String> incus = header.apply("X-Incus-" + name);
        if (incus != null && !incus.isEmpty()) {
            return incus;
        }
        List<String> lxd = header.apply("X-LXD-" + name);
        return lxd == null ? List.of() : lxd;
    }

    private static String first(List<String> values) {
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** As Incus's {@code util.IsTrue}. */
    private static boolean isTrue(String value) {
        if (value == null) {
            return false;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "1", "on", "true", "yes" -> true;
            default -> false;
        };
    }

    /** {@code key=a&key=b} gives [a, b]; any other value is one plain name (as Incus reads these headers). */
    private static List<String> names(String value, String key) {
        if (value == null || value.isEmpty()) {
            return List.of();
        }
        List<String> list = parseQuery(value).get(key);
        return list != null ? list : List.of(value);
    }

    /** As Go's {@code url.ParseQuery}: {@code &}-separated, {@code +} and {@code %XX} decoded; bad pairs skipped. */
    static Map<String, List<String>> parseQuery(String query) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String pair : query.split("&")) {
            if (pair.isEmpty() || pair.contains(";")) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            String v = eq < 0 ? "" : pair.substring(eq + 1);
            try {
                k = URLDecoder.decode(k, StandardCharsets.UTF_8);
                v = URLDecoder.decode(v, StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                continue;
            }
            out.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
        }
        return out;
    }
}
