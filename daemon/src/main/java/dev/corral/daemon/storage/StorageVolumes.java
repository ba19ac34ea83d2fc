package dev.corral.daemon.storage;

import dev.corral.api.ApiException;
import dev.corral.api.StorageVolume;
import dev.corral.daemon.instances.InstanceRecord;
import dev.corral.daemon.profiles.ProfileRecord;
import dev.corral.daemon.state.DocumentTable;
import dev.corral.instance.Devices;
import dev.corral.storage.CustomVolumes;
import dev.corral.storage.DirPool;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Custom storage volumes: their records (SQLite) and files (the pool's {@link CustomVolumes}), what uses them, and
 * what an instance's {@code disk} device with {@code pool} and {@code source} means on the host.
 */
public final class StorageVolumes {

    private final DocumentTable<VolumeRecord> table;
    private final Map<String, DirPool> pools;
    private final DocumentTable<InstanceRecord> instances;
    private final DocumentTable<ProfileRecord> profiles;

    public StorageVolumes(DocumentTable<VolumeRecord> table, Map<String, DirPool> pools,
            DocumentTable<InstanceRecord> instances, DocumentTable<ProfileRecord> profiles) {
        this.table = table;
        this.pools = Map.copyOf(pools);
        this.instances = instances;
        this.profiles = profiles;
    }

    DocumentTable<VolumeRecord> table() {
        return table;
    }

    /** The pool's volumes; a 404 for an unknown pool. */
    CustomVolumes files(String pool) {
        DirPool dir = pools.get(pool);
        if (dir == null) {
            throw ApiException.notFound("Storage pool not found");
        }
        return new CustomVolumes(dir.root());
    }

    List<VolumeRecord> list(String project, String pool) {
        files(pool);
        return table.list(project).stream().filter(v -> v.pool().equals(pool)).toList();
    }

    VolumeRecord get(String project, String pool, String name) {
        files(pool);
        return table.get(project, VolumeRecord.key(pool, name))
                .orElseThrow(() -> ApiException.notFound("Storage volume not found"));
    }

    /**
     * The instances' own volumes on the pool, as Incus lists them beside custom volumes: one per instance whose root
     * disk (its own or its profiles') is on the pool.
     */
    List<StorageVolume> instanceVolumes(String project, String pool) {
        List<StorageVolume> result = new ArrayList<>();
        Map<String, ProfileRecord> byName = new HashMap<>();
        profiles.list(project).forEach(profile -> byName.put(profile.name(), profile));
        for (InstanceRecord instance : instances.list(project)) {
            Map<String, Map<String, String>> devices = new LinkedHashMap<>();
            for (String profile : instance.profiles()) {
                if (byName.containsKey(profile)) {
                    devices.putAll(byName.get(profile).devices());
                }
            }
            devices.putAll(instance.devices());
            String root = Devices.rootDiskName(devices);
            if (root != null && pool.equals(devices.get(root).get("pool"))) {
                boolean vm = "virtual-machine".equals(instance.type());
                result.add(new StorageVolume(Map.of(), "", instance.name(), instance.type(),
                        List.of("/1.0/instances/" + instance.name()), "none", vm ? "block" : "filesystem", project,
                        instance.createdAt()));
            }
        }
        return result;
    }

    /** Instances and profiles with a disk device on the volume. */
    List<String> usedBy(String project, String pool, String name) {
        List<String> users = new ArrayList<>();
        for (InstanceRecord instance : instances.list(project)) {
            if (uses(instance.devices(), pool, name)) {
                users.add("/1.0/instances/" + instance.name());
            }
        }
        for (ProfileRecord profile : profiles.list(project)) {
            if (uses(profile.devices(), pool, name)) {
                users.add("/1.0/profiles/" + profile.name());
            }
        }
        return users;
    }

    private static boolean uses(Map<String, Map<String, String>> devices, String pool, String name) {
        return devices.values().stream().anyMatch(d -> "disk".equals(d.get("type")) && pool.equals(d.get("pool"))
                && name.equals(d.get("source")));
    }

    /**
     * The devices as a driver sees them: a {@code disk} on a custom volume ({@code pool} and {@code source}) gets
     * the volume's file or directory on the host as its {@code source}, and no {@code pool}. A 400 when the volume
     * does not exist.
     */
    public Map<String, Map<String, String>> resolve(String project, Map<String, Map<String, String>> devices) {
        Map<String, Map<String, String>> resolved = new LinkedHashMap<>(devices);
        devices.forEach((device, config) -> {
            String pool = config.getOrDefault("pool", "");
            String source = config.getOrDefault("source", "");
            if (!"disk".equals(config.get("type")) || pool.isEmpty() || source.isEmpty()
                    || "/".equals(config.get("path"))) {
                return;
            }
            VolumeRecord volume = table.get(project, VolumeRecord.key(pool, source)).orElseThrow(() ->
                    ApiException.badRequest("Invalid devices: Device \"" + device + "\": Storage volume \"" + source
                            + "\" not found in pool \"" + pool + "\""));
            Path content = files(pool).content(project, source, CustomVolumes.ContentType.of(volume.contentType()));
            Map<String, String> onHost = new LinkedHashMap<>(config);
            onHost.remove("pool");
            onHost.put("source", content.toString());
            resolved.put(device, onHost);
        });
        return resolved;
    }
}
