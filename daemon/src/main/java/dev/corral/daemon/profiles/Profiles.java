package dev.corral.daemon.profiles;

import dev.corral.api.ApiException;
import dev.corral.daemon.http.Etags;
import dev.corral.daemon.state.DocumentTable;
import dev.corral.daemon.storage.StoragePools;
import dev.corral.instance.Devices;
import dev.corral.instance.InstanceConfigKeys;
import dev.corral.instance.InstanceType;
import java.util.Map;

/** Profiles as the rest of the daemon uses them: lookup, validation, the default profile. Blocking. */
public final class Profiles {

    public static final String DEFAULT = "default";

    private final DocumentTable<ProfileRecord> table;
    private final StoragePools pools;

    public Profiles(DocumentTable<ProfileRecord> table, StoragePools pools) {
        this.table = table;
        this.pools = pools;
    }

    DocumentTable<ProfileRecord> table() {
        return table;
    }

    /** The profile, or a 404. */
    public ProfileRecord get(String project, String name) {
        return table.get(project, name).orElseThrow(() -> ApiException.notFound("Profile not found"));
    }

    /** The profile, or null. */
    public ProfileRecord find(String project, String name) {
        return table.get(project, name).orElse(null);
    }

    /** Creates the default profile, with a root disk on {@code pool}, if the project has none. */
    public void ensureDefault(String project, String pool) {
        if (table.get(project, DEFAULT).isEmpty()) {
            table.insert(project, DEFAULT, new ProfileRecord(DEFAULT, "Default Corral profile", Map.of(),
                    Map.of("root", Map.of("type", "disk", "path", "/", "pool", pool))));
        }
    }

    /** Checks keys, devices and the pools devices name; throws a 400 naming the problem. */
    public void validate(ProfileRecord profile) {
        InstanceConfigKeys.validate(InstanceType.CONTAINER, profile.config());
        Devices.validate(profile.devices());
        for (Map<String, String> device : profile.devices().values()) {
            String pool = device.get("pool");
            if (pool != null && !pool.isEmpty() && !pools.exists(pool)) {
                throw ApiException.badRequest("Storage pool \"" + pool + "\" doesn't exist");
            }
        }
    }

    static String etag(ProfileRecord profile) {
        return Etags.of(profile);
    }
}
