package dev.corral.daemon.instances;

import dev.corral.instance.Revert;
import dev.corral.storage.ImageTemplates;

import dev.corral.api.ApiException;
import dev.corral.api.Instance;
import dev.corral.api.InstanceState;
import dev.corral.api.Requestor;
import dev.corral.daemon.events.Lifecycle;
import dev.corral.daemon.profiles.ProfileRecord;
import dev.corral.daemon.profiles.Profiles;
import dev.corral.daemon.state.DocumentTable;
import dev.corral.daemon.state.StateConflictException;
import dev.corral.instance.Devices;
import dev.corral.instance.DriverException;
import dev.corral.instance.IdMap;
import dev.corral.instance.InstanceConfigKeys;
import dev.corral.instance.InstanceDriver;
import dev.corral.instance.InstanceRef;
import dev.corral.instance.InstanceSpec;
import dev.corral.instance.InstanceStatus;
import dev.corral.instance.InstanceType;
import dev.corral.instance.RuntimeState;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The instances: their records, their expansion through profiles, and every lifecycle change, each undone step by
 * step when a later step fails. Every method blocks (database, storage, drivers): call from worker threads.
 */
public final class InstanceService {

    static final String PREFIX = "/1.0/instances/";
    /** Go's zero time: what Incus sends for "never", which its clients parse (an empty string they cannot). */
    public static final String NEVER = "0001-01-01T00:00:00Z";

    private final DocumentTable<InstanceRecord> table;
    private final Profiles profiles;
    private final Volumes volumes;
    private final ImageCatalog images;
    private final Map<InstanceType, InstanceDriver> drivers;
    private final Lifecycle lifecycle;
    private final IdMap unprivilegedIdMap;
    private final Path logRoot;
    private final VolumeDisks volumeDisks;
    private final BusyInstances busy = new BusyInstances();

    /** What disks on custom storage volumes ({@code pool} and {@code source}) are on the host, for the drivers. */
    public interface VolumeDisks {
        Map<String, Map<String, String>> resolve(String project, Map<String, Map<String, String>> devices);
    }

    public InstanceService(DocumentTable<InstanceRecord> table, Profiles profiles, Volumes volumes,
            ImageCatalog images, Map<InstanceType, InstanceDriver> drivers, Lifecycle lifecycle,
            IdMap unprivilegedIdMap, Path logRoot, VolumeDisks volumeDisks) {
        this.volumeDisks = volumeDisks;
        this.table = table;
        this.profiles = profiles;
        this.volumes = volumes;
        this.images = images;
        this.drivers = Map.copyOf(drivers);
        this.lifecycle = lifecycle;
        this.unprivilegedIdMap = unprivilegedIdMap;
        this.logRoot = logRoot;
    }

    // ---- reading ----

    public List<InstanceRecord> list(String project) {
        return table.list(project);
    }

    public InstanceRecord get(String project, String name) {
        return table.get(project, name).orElseThrow(() -> ApiException.notFound("Instance not found"));
    }

    /** The instance as the API shows it; with {@code withState}, its full state too (recursion 2). */
    public Instance toApi(String project, InstanceRecord record, boolean withState) {
        Expanded expanded = expand(project, record);
        InstanceRef ref = ref(project, record.name());
        // The full state only when asked for (recursion 2): lists need the status alone, which is cheap.
        RuntimeState runtime = withState ? driver(record).state(ref) : null;
        InstanceStatus status = runtime != null ? runtime.status() : driver(record).status(ref);
        return new Instance(record.architecture(), record.config(), record.devices(), record.ephemeral(),
                record.profiles(), record.stateful(), record.description(), record.createdAt(), expanded.config,
                expanded.devices, record.name(), status.code().text(), status.code().code(),
                record.lastUsedAt(), "none", record.type(), project,
                withState ? toApiState(runtime, record.lastUsedAt()) : null);
    }

    /** An instance as the interactive endpoints (exec, console, files) need it. */
    public record Target(InstanceRecord record, InstanceSpec spec, InstanceDriver driver, InstanceStatus status) {
    }

    /** The instance with its resolved spec, driver and current status; 404 if there is none. */
    public Target target(String project, String name) {
        InstanceRecord record = get(project, name);
        InstanceDriver driver = driver(record);
        return new Target(record, spec(project, record), driver, driver.status(ref(project, name)));
    }

    public InstanceState state(String project, String name) {
        InstanceRecord record = get(project, name);
        return toApiState(driver(record).state(ref(project, name)), record.lastUsedAt());
    }

    /** {@code startedAt}: the last start, which the record keeps as {@code last_used_at}. */
    static InstanceState toApiState(RuntimeState runtime, String startedAt) {
        Map<String, InstanceState.Network> network = new LinkedHashMap<>();
        runtime.network().forEach((name, nic) -> network.put(name, new InstanceState.Network(
                nic.addresses().stream().map(a -> new InstanceState.Address(a.family(), a.address(), a.netmask(),
                        a.scope())).toList(),
                new InstanceState.Counters(nic.bytesReceived(), nic.bytesSent(), nic.packetsReceived(),
                        nic.packetsSent(), 0, 0, 0, 0),
                nic.hwaddr(), "", nic.mtu(), nic.state(), name.equals("lo") ? "loopback" : "broadcast")));
        boolean running = runtime.status() != InstanceStatus.STOPPED;
        return new InstanceState(runtime.status().code().text(), runtime.status().code().code(), Map.of(),
                new InstanceState.Memory(Math.max(0, runtime.memoryBytes()), Math.max(0, runtime.memoryPeakBytes()),
                        0, 0, 0),
                running ? network : null, running ? runtime.pid() : 0, running ? Math.max(0, runtime.processes()) : 0,
                new InstanceState.Cpu(Math.max(0, runtime.cpuNanos()), 0), running ? startedAt : NEVER, null);
    }

    // ---- creating ----

    /** A checked creation request: everything needed to create without further validation. */
    public record Plan(String project, InstanceRecord record, ImageCatalog.ResolvedImage image, String pool,
            boolean start) {
    }

    /** Validates a creation request synchronously (before any operation): a 4xx names the first problem. */
    public Plan plan(String project, InstanceRecord record, String sourceType, String alias, String fingerprint,
            boolean start) {
        if (table.get(project, record.name()).isPresent()) {
            throw ApiException.conflict("Instance \"" + record.name() + "\" already exists");
        }
        InstanceType type = typeOf(record);
        if (!drivers.containsKey(type)) {
            throw ApiException.badRequest("Instance type \"" + record.type() + "\" is not supported on this server");
        }
        InstanceConfigKeys.validate(type, record.config());
        Devices.validate(record.devices());
        for (String profile : record.profiles()) {
            if (profiles.find(project, profile) == null) {
                throw ApiException.notFound("Profile \"" + profile + "\" not found");
            }
        }
        Expanded expanded = expand(project, record);
        checkExpanded(project, type, expanded);
        String pool = rootPool(expanded.devices);
        ImageCatalog.ResolvedImage image = null;
        switch (sourceType) {
            case "image" -> {
                image = images.resolve(project, alias, fingerprint);
                if (!image.type().equals(record.type())) {
                    throw ApiException.badRequest("Image \"" + (alias != null ? alias : fingerprint) + "\" is a "
                            + image.type() + " image, not a " + record.type() + " image");
                }
            }
            case "none" -> {
            }
            default -> throw ApiException.badRequest("Unsupported source type \"" + sourceType + "\"");
        }
        return new Plan(project, record, image, pool, start);
    }

    /** Creates (and, if asked, starts) a planned instance; undoes every finished step if a later one fails. */
    public void create(Plan plan, Requestor requestor, java.util.function.Consumer<Map<String, Object>> progress)
            throws Exception {
        InstanceRecord record = withImage(plan.record(), plan.image());
        InstanceRef ref = ref(plan.project(), record.name());
        InstanceType type = typeOf(record);
        try (AutoCloseable claim = busy.claim(ref, "create"); Revert revert = new Revert()) {
            try {
                table.insert(plan.project(), record.name(), record);
            } catch (StateConflictException e) {
                throw ApiException.conflict("Instance \"" + record.name() + "\" already exists");
            }
            revert.add(() -> table.delete(plan.project(), record.name()));
            IdMap idMap = idMap(type, expand(plan.project(), record).config);
            if (plan.image() != null) {
                Path volume = volumes.createFromImage(plan.pool(), ref, type, plan.image().fingerprint(), idMap,
                        percent -> progress.accept(dev.corral.operations.Progress.of(
                                "create_instance_from_image_unpack", "Unpacking image", percent)));
                if (type == InstanceType.CONTAINER) {
                    ImageTemplates.render(volume, "create", templateVariables(record), idMap);
                }
                images.markUsed(plan.project(), plan.image().fingerprint());
            } else {
                volumes.createEmpty(plan.pool(), ref, type, idMap);
            }
            revert.add(() -> volumes.delete(plan.pool(), ref, type));
            InstanceSpec spec = spec(plan.project(), record);
            drivers.get(type).create(spec);
            revert.add(() -> drivers.get(type).delete(ref));
            lifecycle.emit("instance-created", PREFIX + record.name(), plan.project(), requestor, null);
            revert.success();
            // A start that fails leaves the instance created (and stopped), as Incus does; the operation fails.
            if (plan.start()) {
                startRecord(plan.project(), record, spec, requestor);
            }
        }
    }

    private static InstanceRecord withImage(InstanceRecord record, ImageCatalog.ResolvedImage image) {
        if (image == null) {
            return record;
        }
        Map<String, String> config = new LinkedHashMap<>(record.config());
        image.properties().forEach((key, value) -> config.putIfAbsent("image." + key, value));
        config.put("volatile.base_image", image.fingerprint());
        return new InstanceRecord(record.name(), record.type(), record.description(), image.architecture(),
                record.ephemeral(), record.stateful(), record.createdAt(), record.lastUsedAt(), config,
                record.devices(), record.profiles());
    }

    // ---- state changes ----

    /** {@code PUT /state}'s actions. Checks the request synchronously, then returns the work to run. */
    public Runnable stateChange(String project, String name, String action, int timeoutSeconds, boolean force,
            Requestor requestor) {
        InstanceRecord record = get(project, name);
        InstanceRef ref = ref(project, name);
        InstanceDriver driver = driver(record);
        InstanceStatus status = driver.status(ref);
        // No timeout given: wait for a clean shutdown as long as Incus does by default.
        Duration timeout = timeoutSeconds < 0 ? Duration.ofMinutes(10) : Duration.ofSeconds(timeoutSeconds);
        switch (action) {
            // A frozen instance is started by thawing it, as Incus does.
            case "start" -> require(status == InstanceStatus.STOPPED || status == InstanceStatus.FROZEN,
                    "The instance is already running");
            case "stop", "restart" -> require(status != InstanceStatus.STOPPED, "The instance is already stopped");
            case "freeze" -> require(status == InstanceStatus.RUNNING, status == InstanceStatus.FROZEN
                    ? "The instance is already frozen" : "The instance isn't running");
            case "unfreeze" -> require(status == InstanceStatus.FROZEN, "The instance isn't frozen");
            default -> throw ApiException.badRequest("Unknown action \"" + action + "\"");
        }
        return () -> {
            try (AutoCloseable claim = busy.claim(ref, action)) {
                InstanceRecord current = get(project, name);
                switch (action) {
                    case "start" -> {
                        if (driver.status(ref) == InstanceStatus.FROZEN) {
                            driver.unfreeze(ref);
                            lifecycle.emit("instance-resumed", PREFIX + name, project, requestor, null);
                        } else {
                            startRecord(project, current, spec(project, current), requestor);
                        }
                    }
                    case "stop" -> stopRecord(project, current, force, timeout, requestor);
                    case "restart" -> {
                        driver.stop(ref, force, timeout);
                        startRecord(project, current, spec(project, current), null);
                        lifecycle.emit("instance-restarted", PREFIX + name, project, requestor, null);
                    }
                    case "freeze" -> {
                        driver.freeze(ref);
                        lifecycle.emit("instance-paused", PREFIX + name, project, requestor, null);
                    }
                    default -> {
                        driver.unfreeze(ref);
                        lifecycle.emit("instance-resumed", PREFIX + name, project, requestor, null);
                    }
                }
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new DriverException(e.getMessage(), e);
            }
        };
    }

    private void startRecord(String project, InstanceRecord record, InstanceSpec spec, Requestor requestor) {
        driver(record).start(spec);
        seenRunning.add(spec.ref());
        InstanceRecord used = new InstanceRecord(record.name(), record.type(), record.description(),
                record.architecture(), record.ephemeral(), record.stateful(), record.createdAt(),
                Instant.now().toString(), record.config(), record.devices(), record.profiles());
        table.update(project, record.name(), used);
        if (requestor != null) {
            lifecycle.emit("instance-started", PREFIX + record.name(), project, requestor, null);
        }
    }

    private void stopRecord(String project, InstanceRecord record, boolean force, Duration timeout,
            Requestor requestor) {
        InstanceRef ref = ref(project, record.name());
        driver(record).stop(ref, force, timeout);
        seenRunning.remove(ref);
        lifecycle.emit(force ? "instance-stopped" : "instance-shutdown", PREFIX + record.name(), project,
                requestor, null);
        if (record.ephemeral()) {
            deleteStopped(project, record, requestor);
        }
    }

    // ---- configuration, rename, delete ----

    /** PUT (replace) or PATCH (merge) of the writable fields; live limits are applied by the driver. */
    public void update(String project, String name, InstanceRecord changes, boolean replace, String ifMatch,
            Requestor requestor) {
        InstanceRef ref = ref(project, name);
        try (AutoCloseable claim = busy.claim(ref, "update")) {
            InstanceRecord current = get(project, name);
            if (ifMatch != null && !ifMatch.equals(etag(current))) {
                throw ApiException.preconditionFailed("ETag doesn't match");
            }
            InstanceRecord next = merge(current, changes, replace);
            InstanceType type = typeOf(current);
            InstanceConfigKeys.validate(type, next.config());
            Devices.validate(next.devices());
            for (String profile : next.profiles()) {
                if (profiles.find(project, profile) == null) {
                    throw ApiException.notFound("Profile \"" + profile + "\" not found");
                }
            }
            Expanded expanded = expand(project, next);
            checkExpanded(project, type, expanded);
            if (!rootPool(expanded.devices).equals(rootPool(expand(project, current).devices))) {
                throw ApiException.badRequest("Changing the root disk's pool is not supported");
            }
            table.update(project, name, next);
            try {
                driver(current).update(spec(project, next));
            } catch (RuntimeException e) {
                table.update(project, name, current);
                throw e;
            }
            lifecycle.emit("instance-updated", PREFIX + name, project, requestor, null);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static InstanceRecord merge(InstanceRecord current, InstanceRecord changes, boolean replace) {
        if (replace) {
            Map<String, String> config = new LinkedHashMap<>(changes.config());
            // Volatile keys belong to the daemon: a PUT without them keeps them.
            current.config().forEach((key, value) -> {
                if (key.startsWith("volatile.")) {
                    config.putIfAbsent(key, value);
                }
            });
            return new InstanceRecord(current.name(), current.type(),
                    changes.description() == null ? "" : changes.description(), current.architecture(),
                    changes.ephemeral(), current.stateful(), current.createdAt(), current.lastUsedAt(), config,
                    changes.devices(), changes.profiles());
        }
        Map<String, String> config = new LinkedHashMap<>(current.config());
        changes.config().forEach((key, value) -> {
            if (value == null || value.isEmpty()) {
                config.remove(key);
            } else {
                config.put(key, value);
            }
        });
        Map<String, Map<String, String>> devices = new LinkedHashMap<>(current.devices());
        devices.putAll(changes.devices());
        return new InstanceRecord(current.name(), current.type(),
                changes.description() == null ? current.description() : changes.description(),
                current.architecture(), changes.ephemeral(), current.stateful(), current.createdAt(),
                current.lastUsedAt(), config, devices,
                changes.profiles() == null ? current.profiles() : changes.profiles());
    }

    /** Checks synchronously that a rename can happen; returns the work. */
    public Runnable rename(String project, String name, String newName, Requestor requestor) {
        InstanceRecord record = get(project, name);
        InstanceRef from = ref(project, name);
        InstanceRef to = ref(project, newName);
        if (driver(record).status(from) != InstanceStatus.STOPPED) {
            throw ApiException.badRequest("Renaming of running instance not allowed");
        }
        if (table.get(project, newName).isPresent()) {
            throw ApiException.conflict("Instance \"" + newName + "\" already exists");
        }
        return () -> {
            try (AutoCloseable claim = busy.claim(from, "rename"); Revert revert = new Revert()) {
                InstanceRecord current = get(project, name);
                InstanceRecord renamed = new InstanceRecord(newName, current.type(), current.description(),
                        current.architecture(), current.ephemeral(), current.stateful(), current.createdAt(),
                        current.lastUsedAt(), current.config(), current.devices(), current.profiles());
                InstanceType type = typeOf(current);
                String pool = rootPool(expand(project, current).devices);
                InstanceSpec oldSpec = spec(project, current);
                volumes.rename(pool, from, to, type);
                revert.add(() -> volumes.rename(pool, to, from, type));
                // Logs first: the driver writes its config (and log paths) under the new name.
                moveLogs(from, to);
                revert.add(() -> moveLogs(to, from));
                drivers.get(type).rename(oldSpec, spec(project, renamed));
                revert.add(() -> drivers.get(type).rename(spec(project, renamed), oldSpec));
                // liblxc opens the old config's log file while renaming: drop what it left under the old name.
                removeLogs(from);
                if (type == InstanceType.CONTAINER) {
                    ImageTemplates.render(volumes.path(pool, to, type), "rename", templateVariables(renamed),
                            idMap(type, expand(project, renamed).config));
                }
                try {
                    table.rename(project, name, newName, renamed);
                } catch (StateConflictException e) {
                    throw ApiException.conflict("Instance \"" + newName + "\" already exists");
                }
                lifecycle.emit("instance-renamed", PREFIX + newName, project, requestor, Map.of("old_name", name));
                revert.success();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
    }

    /** Checks synchronously that the instance may be deleted (it is stopped); returns the work. */
    public Runnable delete(String project, String name, Requestor requestor) {
        InstanceRecord record = get(project, name);
        if (driver(record).status(ref(project, name)) != InstanceStatus.STOPPED) {
            throw ApiException.badRequest("Instance is running");
        }
        return () -> {
            try (AutoCloseable claim = busy.claim(ref(project, name), "delete")) {
                deleteStopped(project, get(project, name), requestor);
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
    }

    private void deleteStopped(String project, InstanceRecord record, Requestor requestor) {
        InstanceRef ref = ref(project, record.name());
        InstanceType type = typeOf(record);
        drivers.get(type).delete(ref);
        volumes.delete(rootPool(expand(project, record).devices), ref, type);
        table.delete(project, record.name());
        seenRunning.remove(ref);
        removeLogs(ref);
        lifecycle.emit("instance-deleted", PREFIX + record.name(), project, requestor, null);
    }

    private void moveLogs(InstanceRef from, InstanceRef to) throws java.io.IOException {
        Path source = logRoot.resolve(from.backendName());
        if (java.nio.file.Files.exists(source)) {
            java.nio.file.Files.move(source, logRoot.resolve(to.backendName()));
        }
    }

    private void removeLogs(InstanceRef ref) {
        Path logs = logRoot.resolve(ref.backendName());
        try (var paths = java.nio.file.Files.walk(logs)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                java.nio.file.Files.deleteIfExists(path);
            }
        } catch (java.nio.file.NoSuchFileException e) {
            // no logs yet
        } catch (java.io.IOException e) {
            org.slf4j.LoggerFactory.getLogger(InstanceService.class).warn("cannot remove {}: {}", logs,
                    e.getMessage());
        }
    }

    // ---- instances that stop by themselves ----

    /** Instances seen running: one then found stopped, with no API action on it, has stopped by itself. */
    private final java.util.Set<InstanceRef> seenRunning = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * Notices instances that stopped by themselves (a {@code poweroff} inside, a killed init): emits
     * {@code instance-shutdown} and deletes ephemeral ones, as Incus does from its stop hooks. Called periodically
     * and when a driver reports a state change; stops made through the API emit their own events.
     */
    public void noticeSelfStops() {
        for (InstanceRecord record : table.list("default")) {
            InstanceRef ref = ref("default", record.name());
            if (busy.isBusy(ref)) {
                continue;
            }
            if (driver(record).status(ref) != InstanceStatus.STOPPED) {
                seenRunning.add(ref);
            } else if (seenRunning.remove(ref)) {
                try (AutoCloseable claim = busy.claim(ref, record.ephemeral() ? "delete" : "stop")) {
                    lifecycle.emit("instance-shutdown", PREFIX + record.name(), "default", null, null);
                    if (record.ephemeral()) {
                        deleteStopped("default", get("default", record.name()), null);
                    }
                } catch (Exception e) {
                    org.slf4j.LoggerFactory.getLogger(InstanceService.class)
                            .warn("cannot handle the self-stopped instance {}: {}", record.name(), e.getMessage());
                }
            }
        }
    }

    // ---- start-up ----

    /**
     * At daemon start: the database says which instances exist, the drivers what runs. Instances with
     * {@code boot.autostart} that do not run are started; running containers the database does not know are
     * reported (never touched).
     */
    public void reconcile() {
        java.util.Set<String> known = new java.util.HashSet<>();
        table.list(null).forEach(record -> known.add(ref("default", record.name()).backendName()));
        for (InstanceDriver driver : drivers.values()) {
            for (String running : driver.running()) {
                if (!known.contains(running)) {
                    org.slf4j.LoggerFactory.getLogger(InstanceService.class).warn(
                            "{} runs but is not in the database: left alone", running);
                }
            }
        }
        for (InstanceRecord record : table.list(null)) {
            String project = "default";
            InstanceRef ref = ref(project, record.name());
            if (InstanceConfigKeys.isTrue(expand(project, record).config.get("boot.autostart"))
                    && driver(record).status(ref) == InstanceStatus.STOPPED) {
                try {
                    startRecord(project, record, spec(project, record), null);
                } catch (RuntimeException e) {
                    org.slf4j.LoggerFactory.getLogger(InstanceService.class)
                            .warn("cannot autostart {}: {}", record.name(), e.getMessage());
                }
            }
        }
    }

    /**
     * Checks what profiles and the instance give together: known keys, a root disk on an existing pool, and no
     * device the driver cannot attach (a container's disk other than the root disk would be silently ignored).
     */
    private void checkExpanded(String project, InstanceType type, Expanded expanded) {
        InstanceConfigKeys.validate(type, expanded.config);
        String pool = rootPool(expanded.devices);
        if (!volumes.hasPool(pool)) {
            throw ApiException.badRequest("Storage pool \"" + pool + "\" doesn't exist");
        }
        if (type == InstanceType.VIRTUAL_MACHINE) {
            dev.corral.hypervisor.kvm.VmSettings.validate(expanded.config,
                    volumeDisks.resolve(project, expanded.devices));
            return;
        }
        String root = Devices.rootDiskName(expanded.devices);
        for (Map.Entry<String, Map<String, String>> device : expanded.devices.entrySet()) {
            if (!device.getKey().equals(root) && !"none".equals(device.getValue().get("type"))) {
                throw ApiException.badRequest("Invalid devices: Device \"" + device.getKey() + "\": containers"
                        + " support only the root disk so far");
            }
        }
    }

    private static Map<String, String> templateVariables(InstanceRecord record) {
        return Map.of("instance.name", record.name(), "instance.type", record.type(),
                "instance.architecture", record.architecture() == null ? "" : record.architecture());
    }

    // ---- helpers ----

    /** Profiles in order, then the instance's own config and devices on top. */
    record Expanded(Map<String, String> config, Map<String, Map<String, String>> devices) {
    }

    Expanded expand(String project, InstanceRecord record) {
        Map<String, String> config = new LinkedHashMap<>();
        Map<String, Map<String, String>> devices = new LinkedHashMap<>();
        for (String name : record.profiles()) {
            ProfileRecord profile = profiles.find(project, name);
            if (profile != null) {
                config.putAll(profile.config());
                devices.putAll(profile.devices());
            }
        }
        config.putAll(record.config());
        devices.putAll(record.devices());
        return new Expanded(config, devices);
    }

    InstanceSpec spec(String project, InstanceRecord record) {
        Expanded expanded = expand(project, record);
        InstanceType type = typeOf(record);
        InstanceRef ref = ref(project, record.name());
        return new InstanceSpec(ref, type, expanded.config, volumeDisks.resolve(project, expanded.devices),
                volumes.path(rootPool(expanded.devices), ref, type), logRoot.resolve(ref.backendName()),
                idMap(type, expanded.config));
    }

    private IdMap idMap(InstanceType type, Map<String, String> config) {
        return type == InstanceType.CONTAINER && !InstanceConfigKeys.isTrue(config.get("security.privileged"))
                ? unprivilegedIdMap : null;
    }

    static String etag(InstanceRecord record) {
        return dev.corral.daemon.http.Etags.of(List.of(record.architecture(), record.config(), record.devices(),
                record.ephemeral(), record.profiles(), record.stateful(), record.description()));
    }

    private static String rootPool(Map<String, Map<String, String>> devices) {
        String root = Devices.rootDiskName(devices);
        String pool = root == null ? null : devices.get(root).get("pool");
        if (pool == null || pool.isEmpty()) {
            throw ApiException.badRequest("Failed detecting root disk device: No root device could be found");
        }
        return pool;
    }

    private InstanceDriver driver(InstanceRecord record) {
        InstanceDriver driver = drivers.get(typeOf(record));
        if (driver == null) {
            throw ApiException.badRequest("Instance type \"" + record.type() + "\" is not supported on this server");
        }
        return driver;
    }

    static InstanceType typeOf(InstanceRecord record) {
        for (InstanceType type : InstanceType.values()) {
            if (type.wireName().equals(record.type())) {
                return type;
            }
        }
        throw ApiException.badRequest("Invalid instance type \"" + record.type() + "\"");
    }

    static InstanceRef ref(String project, String name) {
        return new InstanceRef(project, name);
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw ApiException.badRequest(message);
        }
    }
}
