package dev.corral.storage;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.corral.api.ApiException;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An image's {@code metadata.yaml} (Incus's {@code api.ImageMetadata}).
 *
 * @param architecture the canonical architecture name ({@code x86_64}, {@code aarch64}, ...): aliases such as
 *     {@code amd64} are normalised, as Incus stores architectures by id
 * @param creationDate seconds since the epoch, always positive
 * @param expiryDate seconds since the epoch, 0 when the image does not expire
 * @param properties descriptive properties ({@code os}, {@code release}, {@code description}, ...)
 * @param templates by path inside the instance
 */
public record ImageMetadata(
        String architecture,
        long creationDate,
        long expiryDate,
        Map<String, String> properties,
        Map<String, ImageTemplate> templates) {

    /** Incus reads at most this much of metadata.yaml. */
    static final int MAX_SIZE = 1024 * 1024;

    private static final YAMLFactory YAML = new YAMLFactory();

    /** Canonical names and their aliases, as Incus's {@code osarch} package knows them. */
    private static final Map<String, String> ARCHITECTURES = architectures();

    public ImageMetadata {
        properties = Map.copyOf(properties);
        templates = Map.copyOf(templates);
    }

    public Instant createdAt() {
        return Instant.ofEpochSecond(creationDate);
    }

    /** When the image expires, or null. */
    public Instant expiresAt() {
        return expiryDate > 0 ? Instant.ofEpochSecond(expiryDate) : null;
    }

    /**
     * Parses and checks metadata.yaml as Incus does: a known architecture and a creation date are required; scalars
     * are taken as written ({@code release: 22.10} stays {@code "22.10"}).
     *
     * @throws ApiException 400 with what is wrong
     */
    public static ImageMetadata parse(byte[] yaml) {
        if (yaml.length > MAX_SIZE) {
            throw bad("metadata.yaml is larger than " + MAX_SIZE + " bytes");
        }
        Object root;
        try (JsonParser parser = YAML.createParser(yaml)) {
            JsonToken first = parser.nextToken();
            root = first == null ? null : read(parser);
        } catch (IOException | RuntimeException e) {
            throw bad("metadata.yaml is not valid YAML: " + firstLine(e.getMessage()));
        }
        if (!(root instanceof Map<?, ?> map)) {
            throw bad("metadata.yaml is not a YAML mapping");
        }

        Object arch = map.get("architecture");
        if (!(arch instanceof String archName) || archName.isEmpty()) {
            throw bad("metadata.yaml has no architecture");
        }
        String canonical = canonicalArchitecture(archName);
        if (canonical == null) {
            throw bad("Architecture isn't supported: " + archName);
        }
        long created = integer(map.get("creation_date"), "creation_date");
        if (created <= 0) {
            throw bad("metadata.yaml: Missing creation date");
        }
        long expiry = integer(map.get("expiry_date"), "expiry_date");
        Map<String, String> properties = stringMap(map.get("properties"), "properties");

        Map<String, ImageTemplate> templates = new TreeMap<>();
        Object tpls = map.get("templates");
        if (tpls != null) {
            if (!(tpls instanceof Map<?, ?> tplMap)) {
                throw bad("metadata.yaml: templates must be a mapping");
            }
            for (Map.Entry<?, ?> e : tplMap.entrySet()) {
                templates.put((String) e.getKey(), template((String) e.getKey(), e.getValue()));
            }
        }
        return new ImageMetadata(canonical, created, Math.max(0, expiry), properties, templates);
    }

    /** The canonical name of an architecture or one of its aliases, or null if Incus does not know it. */
    public static String canonicalArchitecture(String name) {
        return ARCHITECTURES.get(name);
    }

    private static ImageTemplate template(String path, Object value) {
        if (!(value instanceof Map<?, ?> map)) {
            throw bad("metadata.yaml: template " + path + " must be a mapping");
        }
        List<String> when = new ArrayList<>();
        Object w = map.get("when");
        if (w instanceof List<?> list) {
            for (Object o : list) {
                if (!(o instanceof String s)) {
                    throw bad("metadata.yaml: template " + path + ": when must be a list of strings");
                }
                when.add(s);
            }
        } else if (w != null) {
            throw bad("metadata.yaml: template " + path + ": when must be a list");
        }
        Object createOnly = map.get("create_only");
        boolean co = false;
        if (createOnly instanceof String s) {
            co = switch (s) {
                case "true", "True", "TRUE", "yes", "on" -> true;
                case "false", "False", "FALSE", "no", "off" -> false;
                default -> throw bad("metadata.yaml: template " + path + ": create_only must be true or false");
            };
        } else if (createOnly != null) {
            throw bad("metadata.yaml: template " + path + ": create_only must be true or false");
        }
        return new ImageTemplate(when, co, scalar(map.get("template"), path, "template"),
                stringMap(map.get("properties"), "template " + path + " properties"),
                scalar(map.get("uid"), path, "uid"), scalar(map.get("gid"), path, "gid"),
                scalar(map.get("mode"), path, "mode"));
    }

    private static String scalar(Object o, String path, String field) {
        if (o == null || o instanceof String) {
            return (String) o;
        }
        throw bad("metadata.yaml: template " + path + ": " + field + " must be a string");
    }

    private static long integer(Object o, String field) {
        if (o == null) {
            return 0;
        }
        if (o instanceof String s) {
            try {
                return Long.parseLong(s.trim());
            } catch (NumberFormatException e) {
                // fall through
            }
        }
        throw bad("metadata.yaml: " + field + " must be an integer (seconds since the epoch)");
    }

    private static Map<String, String> stringMap(Object o, String what) {
        if (o == null) {
            return Map.of();
        }
        if (!(o instanceof Map<?, ?> map)) {
            throw bad("metadata.yaml: " + what + " must be a mapping");
        }
        Map<String, String> out = new TreeMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            Object v = e.getValue();
            if (v != null && !(v instanceof String)) {
                throw bad("metadata.yaml: " + what + ": " + e.getKey() + " must be a string");
            }
            out.put((String) e.getKey(), v == null ? "" : (String) v);
        }
        return out;
    }

    /** Reads the value at the current token: maps, lists, and scalars as their text (null for YAML null). */
    private static Object read(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        switch (t) {
            case START_OBJECT: {
                Map<String, Object> map = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    p.nextToken();
                    map.put(key, read(p));
                }
                return map;
            }
            case START_ARRAY: {
                List<Object> list = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    list.add(read(p));
                }
                return list;
            }
            case VALUE_NULL:
                return null;
            default:
                return p.getText();
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static ApiException bad(String message) {
        return ApiException.badRequest(message);
    }

    private static Map<String, String> architectures() {
        Map<String, String> m = new TreeMap<>();
        String[][] table = {
            {"i686", "i386", "i586", "386", "x86", "generic_32"},
            {"x86_64", "amd64", "generic_64", "x86_64_v1", "x86_64_v2", "x86_64_v3", "x86_64_v4"},
            {"armv6l", "armel", "arm"},
            {"armv7l", "armhf", "armhfp", "armv7a_hardfp", "armv7", "armv7a_vfpv3_hardfp"},
            {"armv8l"},
            {"aarch64", "arm64", "arm64_generic"},
            {"ppc", "powerpc"},
            {"ppc64", "powerpc64"},
            {"ppc64le", "ppc64el"},
            {"s390x"},
            {"mips", "mipsel", "mipsle"},
            {"mips64", "mips64el", "mips64le"},
            {"riscv32"},
            {"riscv64"},
            {"loongarch64", "loong64"},
        };
        for (String[] row : table) {
            for (String name : row) {
                m.put(name, row[0]);
            }
        }
        return Map.copyOf(m);
    }
}
