package dev.corral.daemon.server;

import dev.corral.api.ApiException;
import dev.corral.daemon.trust.TokenExpiry;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The server configuration keys Corral accepts, each with its check. A key goes in only when setting it takes
 * effect; {@code user.*} keys are free-form and stored for the user.
 */
final class ServerConfigKeys {

    private static final Map<String, Predicate<String>> KEYS = Map.of(
            "core.https_address", ServerConfigKeys::isListenAddress,
            "core.remote_token_expiry", TokenExpiry::isValid,
            // How VMs run: auto (KVM where the CPU has vmx/svm and /dev/kvm exists, else TCG), kvm or tcg.
            "corral.vm.accelerator", v -> java.util.Set.of("auto", "kvm", "tcg").contains(v));

    private ServerConfigKeys() {
    }

    private static boolean isListenAddress(String value) {
        try {
            ListenAddress.parse(value, 8443);
            return true;
        } catch (ApiException e) {
            return false;
        }
    }

    /** Throws a 400 naming the key when the key is unknown or the value does not suit it. */
    static void validate(String key, String value) {
        if (key.startsWith("user.") && key.length() > "user.".length()) {
            return;
        }
        Predicate<String> check = KEYS.get(key);
        if (check == null) {
            throw ApiException.badRequest("cannot set '" + key + "' to '" + value + "': unknown key");
        }
        if (!value.isEmpty() && !check.test(value)) {
            throw ApiException.badRequest("cannot set '" + key + "' to '" + value + "': invalid value");
        }
    }
}
