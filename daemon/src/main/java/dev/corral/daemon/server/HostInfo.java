package dev.corral.daemon.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Facts about the host for {@code GET /1.0}'s environment, read once at start-up. */
public record HostInfo(String hostname, String kernelVersion, String architecture, List<String> architectures,
        String osName, String osVersion) {

    public static HostInfo read() {
        String machine = switch (System.getProperty("os.arch")) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64" -> "aarch64";
            default -> System.getProperty("os.arch");
        };
        // The kernel also runs the 32-bit personality of these architectures, as Incus reports.
        List<String> architectures = switch (machine) {
            case "x86_64" -> List.of("x86_64", "i686");
            case "aarch64" -> List.of("aarch64", "armv7l");
            default -> List.of(machine);
        };
        Map<String, String> os = osRelease();
        return new HostInfo(firstLine("/proc/sys/kernel/hostname", "localhost"),
                firstLine("/proc/sys/kernel/osrelease", System.getProperty("os.version")), machine, architectures,
                os.getOrDefault("NAME", "Linux"), os.getOrDefault("VERSION_ID", ""));
    }

    private static String firstLine(String file, String fallback) {
        try {
            return Files.readString(Path.of(file)).trim();
        } catch (IOException e) {
            return fallback;
        }
    }

    private static Map<String, String> osRelease() {
        try {
            return Files.readAllLines(Path.of("/etc/os-release")).stream()
                    .filter(line -> line.contains("="))
                    .collect(Collectors.toMap(
                            line -> line.substring(0, line.indexOf('=')),
                            line -> line.substring(line.indexOf('=') + 1).replace("\"", ""),
                            (a, b) -> a));
        } catch (IOException e) {
            return Map.of();
        }
    }
}
