package dev.corral.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Map;

/** The {@code environment} block of {@code GET /1.0}: what the host and the daemon are. */
@JsonPropertyOrder(alphabetic = true)
public record ServerEnvironment(
        List<String> addresses,
        List<String> architectures,
        String certificate,
        @JsonProperty("certificate_fingerprint") String certificateFingerprint,
        String driver,
        @JsonProperty("driver_version") String driverVersion,
        String firewall,
        String kernel,
        @JsonProperty("kernel_architecture") String kernelArchitecture,
        @JsonProperty("kernel_features") Map<String, String> kernelFeatures,
        @JsonProperty("kernel_version") String kernelVersion,
        @JsonProperty("lxc_features") Map<String, String> lxcFeatures,
        @JsonProperty("os_name") String osName,
        @JsonProperty("os_version") String osVersion,
        String project,
        String server,
        @JsonProperty("server_clustered") boolean serverClustered,
        @JsonProperty("server_event_mode") String serverEventMode,
        @JsonProperty("server_name") String serverName,
        @JsonProperty("server_pid") long serverPid,
        @JsonProperty("server_version") String serverVersion,
        String storage,
        @JsonProperty("storage_version") String storageVersion,
        @JsonProperty("storage_supported_drivers") List<StorageDriverInfo> storageSupportedDrivers) {

    /** One entry of {@code storage_supported_drivers}; Incus spells these fields with capitals. */
    public record StorageDriverInfo(
            @JsonProperty("Name") String name,
            @JsonProperty("Version") String version,
            @JsonProperty("Remote") boolean remote) {
    }
}
