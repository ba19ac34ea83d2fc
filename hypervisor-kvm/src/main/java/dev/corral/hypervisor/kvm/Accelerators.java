package dev.corral.hypervisor.kvm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Which accelerator VMs get: KVM where the CPU has hardware virtualisation ({@code vmx}/{@code svm} in
 * {@code /proc/cpuinfo}) and {@code /dev/kvm} is there, QEMU's TCG emulator elsewhere; a setting may force either.
 */
public final class Accelerators {

    private Accelerators() {
    }

    /**
     * {@code setting}: {@code kvm}, {@code tcg}, or empty/null/{@code auto} to detect.
     *
     * @throws IllegalArgumentException for any other value
     */
    public static DomainConfig.Accelerator choose(String setting) {
        String value = setting == null ? "" : setting.trim().toLowerCase(Locale.ROOT);
        return switch (value) {
            case "kvm" -> DomainConfig.Accelerator.KVM;
            case "tcg", "qemu" -> DomainConfig.Accelerator.TCG;
            case "", "auto" -> detect(Path.of("/proc/cpuinfo"), Path.of("/dev/kvm"));
            default -> throw new IllegalArgumentException("accelerator must be auto, kvm or tcg, not " + setting);
        };
    }

    static DomainConfig.Accelerator detect(Path cpuinfo, Path kvm) {
        return hasVirtualisationFlag(cpuinfo) && Files.exists(kvm) ? DomainConfig.Accelerator.KVM
                : DomainConfig.Accelerator.TCG;
    }

    static boolean hasVirtualisationFlag(Path cpuinfo) {
        try {
            for (String line : Files.readAllLines(cpuinfo)) {
                if (line.startsWith("flags")) {
                    for (String flag : line.substring(line.indexOf(':') + 1).trim().split("\\s+")) {
                        if (flag.equals("vmx") || flag.equals("svm")) {
                            return true;
                        }
                    }
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }
}
