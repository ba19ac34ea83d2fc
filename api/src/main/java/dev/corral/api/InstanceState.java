package dev.corral.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Map;

/** {@code GET /1.0/instances/{name}/state}. */
@JsonPropertyOrder({"status", "status_code", "disk", "memory", "network", "pid", "processes", "cpu", "started_at",
        "os_info"})
public record InstanceState(
        String status,
        @JsonProperty("status_code") int statusCode,
        Map<String, Disk> disk,
        Memory memory,
        Map<String, Network> network,
        long pid,
        long processes,
        Cpu cpu,
        @JsonProperty("started_at") String startedAt,
        @JsonProperty("os_info") @JsonInclude(JsonInclude.Include.NON_NULL) Object osInfo) {

    public record Disk(long usage, long total) {
    }

    public record Memory(long usage, @JsonProperty("usage_peak") long usagePeak, long total,
            @JsonProperty("swap_usage") long swapUsage, @JsonProperty("swap_usage_peak") long swapUsagePeak) {
    }

    public record Cpu(long usage, @JsonProperty("allocated_time") long allocatedTime) {
    }

    @JsonPropertyOrder({"addresses", "counters", "hwaddr", "host_name", "mtu", "state", "type"})
    public record Network(List<Address> addresses, Counters counters, String hwaddr,
            @JsonProperty("host_name") String hostName, long mtu, String state, String type) {
    }

    public record Address(String family, String address, String netmask, String scope) {
    }

    public record Counters(
            @JsonProperty("bytes_received") long bytesReceived,
            @JsonProperty("bytes_sent") long bytesSent,
            @JsonProperty("packets_received") long packetsReceived,
            @JsonProperty("packets_sent") long packetsSent,
            @JsonProperty("errors_received") long errorsReceived,
            @JsonProperty("errors_sent") long errorsSent,
            @JsonProperty("packets_dropped_outbound") long packetsDroppedOutbound,
            @JsonProperty("packets_dropped_inbound") long packetsDroppedInbound) {
    }
}
