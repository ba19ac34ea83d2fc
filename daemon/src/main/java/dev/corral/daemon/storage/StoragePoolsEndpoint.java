package dev.corral.daemon.storage;

import dev.corral.api.StoragePool;
import dev.corral.daemon.http.Access;
import dev.corral.daemon.http.ApiResponse;
import dev.corral.daemon.http.Endpoint;
import dev.corral.daemon.http.Etags;
import dev.corral.daemon.http.Request;
import dev.corral.daemon.http.Route;
import dev.corral.daemon.instances.InstanceRecord;
import dev.corral.daemon.profiles.ProfileRecord;
import dev.corral.daemon.state.DocumentTable;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code /1.0/storage-pools}: the pools and what uses them (read-only for now). */
public final class StoragePoolsEndpoint implements Endpoint {

    private final StoragePools pools;
    private final DocumentTable<ProfileRecord> profiles;
    private final DocumentTable<InstanceRecord> instances;

    public StoragePoolsEndpoint(StoragePools pools, DocumentTable<ProfileRecord> profiles,
            DocumentTable<InstanceRecord> instances) {
        this.pools = pools;
        this.profiles = profiles;
        this.instances = instances;
    }

    @Override
    public List<Route> routes() {
        return List.of(
                Route.get("/1.0/storage-pools", Access.TRUSTED, this::list),
                Route.get("/1.0/storage-pools/{name}", Access.TRUSTED, this::get));
    }

    private Future<ApiResponse> list(Request request) {
        int recursion = request.recursion(1);
        return request.blocking(() -> ApiResponse.sync(recursion == 0
                ? pools.list().stream().map(pool -> "/1.0/storage-pools/" + pool.name()).toList()
                : pools.list().stream().map(this::toApi).toList()));
    }

    private Future<ApiResponse> get(Request request) {
        String name = request.pathParam("name");
        return request.blocking(() -> {
            StoragePoolRecord pool = pools.get(name);
            return new ApiResponse.Sync(toApi(pool), Etags.of(Map.of("config", pool.config(),
                    "description", pool.description())));
        });
    }

    private StoragePool toApi(StoragePoolRecord pool) {
        return new StoragePool(pool.config(), pool.description(), pool.name(), pool.driver(), usedBy(pool.name()),
                "Created", List.of("none"));
    }

    /** Profiles and instances with a disk on the pool (an instance's own or through its profiles). */
    private List<String> usedBy(String pool) {
        List<String> users = new ArrayList<>();
        List<ProfileRecord> allProfiles = profiles.list(null);
        for (InstanceRecord instance : instances.list(null)) {
            boolean viaProfile = allProfiles.stream().anyMatch(profile -> instance.profiles().contains(profile.name())
                    && usesPool(profile.devices(), pool));
            if (viaProfile || usesPool(instance.devices(), pool)) {
                users.add("/1.0/instances/" + instance.name());
            }
        }
        for (ProfileRecord profile : allProfiles) {
            if (usesPool(profile.devices(), pool)) {
                users.add("/1.0/profiles/" + profile.name());
            }
        }
        return users;
    }

    private static boolean usesPool(Map<String, Map<String, String>> devices, String pool) {
        return devices.values().stream().anyMatch(device -> pool.equals(device.get("pool")));
    }
}
