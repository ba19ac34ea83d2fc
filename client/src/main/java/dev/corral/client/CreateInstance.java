package dev.corral.client;

import dev.corral.api.InstanceSource;
import dev.corral.api.InstancesPost;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A new instance ({@code POST /1.0/instances}). Immutable; each {@code with...} returns a changed copy:
 *
 * <pre>{@code
 * CreateInstance.fromImage("busybox").withName("c1").withConfig("limits.memory", "128MiB").withStart(true)
 * }</pre>
 *
 * @param name the name, or null for one the daemon picks
 * @param source where the root file system comes from
 * @param type {@code container} or {@code virtual-machine}
 * @param config instance configuration
 * @param devices devices (name to its settings)
 * @param profiles profiles to apply, in order; null for the daemon's default ({@code default})
 * @param ephemeral deleted when stopped
 * @param start start it once created
 * @param description free text
 */
public record CreateInstance(
        String name,
        InstanceSource source,
        String type,
        Map<String, String> config,
        Map<String, Map<String, String>> devices,
        List<String> profiles,
        boolean ephemeral,
        boolean start,
        String description) {

    /** The {@code type} of a system container. */
    public static final String CONTAINER = "container";
    /** The {@code type} of a virtual machine. */
    public static final String VIRTUAL_MACHINE = "virtual-machine";

    public CreateInstance {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(type, "type");
        config = Map.copyOf(config);
        devices = Map.copyOf(devices);
        profiles = profiles == null ? null : List.copyOf(profiles);
    }

    private static CreateInstance of(InstanceSource source) {
        return new CreateInstance(null, source, CONTAINER, Map.of(), Map.of(), null, false, false, null);
    }

    /** From a local image, by alias (e.g. {@code busybox}). */
    public static CreateInstance fromImage(String alias) {
        return of(source("image", alias, null));
    }

    /** From a local image, by fingerprint (or a unique prefix of it). */
    public static CreateInstance fromFingerprint(String fingerprint) {
        return of(source("image", null, fingerprint));
    }

    /** With an empty root file system (source type {@code none}). */
    public static CreateInstance empty() {
        return of(source("none", null, null));
    }

    private static InstanceSource source(String type, String alias, String fingerprint) {
        return new InstanceSource(type, alias, fingerprint, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null, null);
    }

    public CreateInstance withName(String newName) {
        return new CreateInstance(newName, source, type, config, devices, profiles, ephemeral, start, description);
    }

    public CreateInstance withType(String newType) {
        return new CreateInstance(name, source, newType, config, devices, profiles, ephemeral, start, description);
    }

    public CreateInstance withConfig(Map<String, String> newConfig) {
        return new CreateInstance(name, source, type, newConfig, devices, profiles, ephemeral, start, description);
    }

    /** One more configuration key. */
    public CreateInstance withConfig(String key, String value) {
        Map<String, String> more = new LinkedHashMap<>(config);
        more.put(key, value);
        return withConfig(more);
    }

    public CreateInstance withDevices(Map<String, Map<String, String>> newDevices) {
        return new CreateInstance(name, source, type, config, newDevices, profiles, ephemeral, start, description);
    }

    /** One more device. */
    public CreateInstance withDevice(String deviceName, Map<String, String> settings) {
        Map<String, Map<String, String>> more = new LinkedHashMap<>(devices);
        more.put(deviceName, Map.copyOf(settings));
        return withDevices(more);
    }

    public CreateInstance withProfiles(List<String> newProfiles) {
        return new CreateInstance(name, source, type, config, devices, newProfiles, ephemeral, start, description);
    }

    public CreateInstance withEphemeral(boolean isEphemeral) {
        return new CreateInstance(name, source, type, config, devices, profiles, isEphemeral, start, description);
    }

    public CreateInstance withStart(boolean startIt) {
        return new CreateInstance(name, source, type, config, devices, profiles, ephemeral, startIt, description);
    }

    public CreateInstance withDescription(String text) {
        return new CreateInstance(name, source, type, config, devices, profiles, ephemeral, start, text);
    }

    /** The wire body. */
    public InstancesPost toWire() {
        return new InstancesPost(name, source, null, type, start ? Boolean.TRUE : null, null, config, devices,
                ephemeral ? Boolean.TRUE : null, profiles, null, description, null);
    }
}
