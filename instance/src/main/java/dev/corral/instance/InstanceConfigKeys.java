package dev.corral.instance;

import dev.corral.api.ApiException;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The instance configuration keys Corral accepts, shared by both drivers. A key is listed only when it takes
 * effect; namespaces that hold user or image data ({@code user.*}, {@code environment.*}, {@code image.*}) are
 * free-form. Incus's own {@code volatile.*} keys are accepted because clients send them back on
 * {@code incus config edit}.
 */
public final class InstanceConfigKeys {

    private static final Pattern CPU_SET = Pattern.compile("\\d+(-\\d+)?(,\\d+(-\\d+)?)*");
    private static final Predicate<String> BOOLEAN = v -> Set.of("true", "false", "1", "0", "yes", "no", "on", "off")
            .contains(v.toLowerCase(java.util.Locale.ROOT));

    private static final Map<String, Predicate<String>> KEYS = Map.of(
            "limits.cpu", v -> CPU_SET.matcher(v).matches() && !v.equals("0"),
            "limits.memory", InstanceConfigKeys::isMemoryLimit,
            "boot.autostart", BOOLEAN,
            "security.privileged", BOOLEAN,
            "security.secureboot", BOOLEAN,
            "raw.lxc", v -> true);

    private static final Set<String> FREE_FORM_PREFIXES = Set.of("user.", "environment.", "image.", "volatile.");

    private InstanceConfigKeys() {
    }

    /** Throws a 400 naming the first key that is unknown or whose value does not fit. */
    public static void validate(InstanceType type, Map<String, String> config) {
        for (Map.Entry<String, String> entry : config.entrySet()) {
            String key = entry.getKey();
            String value = entry.getValue() == null ? "" : entry.getValue();
            if (FREE_FORM_PREFIXES.stream().anyMatch(p -> key.startsWith(p) && key.length() > p.length())) {
                continue;
            }
            Predicate<String> check = KEYS.get(key);
            if (check == null || (key.equals("raw.lxc") && type != InstanceType.CONTAINER)
                    || (key.equals("security.secureboot") && type != InstanceType.VIRTUAL_MACHINE)
                    || (key.equals("security.privileged") && type != InstanceType.CONTAINER)) {
                throw ApiException.badRequest("Invalid config: Unknown configuration key: " + key);
            }
            if (!value.isEmpty() && !check.test(value)) {
                throw ApiException.badRequest("Invalid config: Invalid value for " + key + " \"" + value + "\"");
            }
        }
    }

    public static boolean isTrue(String value) {
        return value != null && Set.of("true", "1", "yes", "on").contains(value.toLowerCase(java.util.Locale.ROOT));
    }

    private static boolean isMemoryLimit(String value) {
        if (value.endsWith("%")) {
            try {
                double percent = Double.parseDouble(value.substring(0, value.length() - 1));
                return percent > 0 && percent <= 100;
            } catch (NumberFormatException e) {
                return false;
            }
        }
        return Sizes.parseBytes(value) > 0;
    }
}
