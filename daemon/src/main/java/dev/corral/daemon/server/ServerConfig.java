package dev.corral.daemon.server;

import dev.corral.api.ApiException;
import dev.corral.daemon.http.Etags;
import dev.corral.daemon.state.StateStore;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The server configuration: validated, persisted in the state store, and kept in memory so that reads cost nothing.
 * Writes block (they reach the database): call {@link #update} from a worker thread.
 */
public final class ServerConfig {

    private final StateStore store;
    private volatile Map<String, String> current;
    private final Map<String, Consumer<String>> appliers = new ConcurrentHashMap<>();

    public ServerConfig(StateStore store) {
        this.store = store;
        this.current = Map.copyOf(store.serverConfig());
    }

    /**
     * Makes changes to {@code key} take effect: {@code applier} gets the new value ("" when unset) before the change
     * is stored, and may refuse it by throwing (an {@code ApiException} reaches the client; nothing is stored).
     */
    public void watch(String key, Consumer<String> applier) {
        appliers.put(key, applier);
    }

    public Map<String, String> current() {
        return current;
    }

    /** The ETag of the writable server state, as sent with {@code GET /1.0} and checked on {@code PUT}. */
    public String etag() {
        return Etags.of(Map.of("config", current));
    }

    /**
     * Applies a PUT ({@code replace}: the request is the whole new config) or a PATCH (the request's keys are set,
     * an empty or null value unsets). Everything is validated before anything is stored. Returns true if the
     * config changed (an unchanged config is not written again).
     */
    public synchronized boolean update(Map<String, Object> requested, boolean replace, String ifMatch) {
        if (ifMatch != null && !ifMatch.equals(etag())) {
            throw ApiException.preconditionFailed("ETag doesn't match");
        }
        Map<String, String> next = new TreeMap<>(replace ? Map.of() : current);
        if (requested != null) {
            for (Map.Entry<String, Object> entry : requested.entrySet()) {
                String key = entry.getKey();
                Object value = entry.getValue();
                if (value != null && !(value instanceof String)) {
                    throw ApiException.badRequest("cannot set '" + key + "': the value must be a string");
                }
                String text = value == null ? "" : (String) value;
                ServerConfigKeys.validate(key, text);
                if (text.isEmpty()) {
                    next.remove(key);
                } else {
                    next.put(key, text);
                }
            }
        }
        if (next.equals(current)) {
            return false;
        }
        appliers.forEach((key, applier) -> {
            String value = next.getOrDefault(key, "");
            if (!value.equals(current.getOrDefault(key, ""))) {
                applier.accept(value);
            }
        });
        store.replaceServerConfig(next);
        current = Map.copyOf(next);
        return true;
    }
}
