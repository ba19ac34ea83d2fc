package dev.corral.container.lxc;

import dev.corral.instance.DriverException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parsing of the {@code limits.*} config keys as Incus spells them. (Shared validation of config keys belongs in
 * module {@code instance}; this is the LXC driver's own reading until it is there.)
 */
final class Limits {

    private Limits() {
    }

    private static final Pattern BYTES = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([A-Za-z]*)");
    private static final Pattern PERCENT = Pattern.compile("(\\d+(?:\\.\\d+)?)%");
    private static final Pattern CPU_LIST = Pattern.compile("\\d+(-\\d+)?(,\\d+(-\\d+)?)*");

    /** Incus's byte units (units.ParseByteSizeString): decimal kB..EB and binary KiB..EiB. */
    private static final Map<String, Long> UNITS = Map.ofEntries(
            Map.entry("", 1L), Map.entry("B", 1L),
            Map.entry("kB", 1000L), Map.entry("KB", 1000L), Map.entry("MB", 1000_000L),
            Map.entry("GB", 1000_000_000L), Map.entry("TB", 1000_000_000_000L),
            Map.entry("PB", 1000_000_000_000_000L), Map.entry("EB", 1000_000_000_000_000_000L),
            Map.entry("KiB", 1L << 10), Map.entry("MiB", 1L << 20), Map.entry("GiB", 1L << 30),
            Map.entry("TiB", 1L << 40), Map.entry("PiB", 1L << 50), Map.entry("EiB", 1L << 60));

    /** {@code limits.memory}: "256MiB", "1GB", "1073741824", or a percentage of the host's memory ("50%"). */
    static long memoryBytes(String value, long hostMemBytes) {
        String v = value.trim();
        Matcher pct = PERCENT.matcher(v);
        if (pct.matches()) {
            BigDecimal p = new BigDecimal(pct.group(1));
            if (p.signum() <= 0 || p.compareTo(BigDecimal.valueOf(100)) > 0) {
                throw new DriverException("invalid limits.memory \"" + value + "\": percentage must be in (0, 100]");
            }
            return p.multiply(BigDecimal.valueOf(hostMemBytes)).divide(BigDecimal.valueOf(100)).longValue();
        }
        Matcher m = BYTES.matcher(v);
        Long unit = m.matches() ? UNITS.get(m.group(2)) : null;
        if (unit == null) {
            throw new DriverException("invalid limits.memory \"" + value
                    + "\": expected bytes with a unit (B, kB, MB, GB, KiB, MiB, GiB, ...) or a percentage");
        }
        long bytes;
        try {
            bytes = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unit)).longValueExact();
        } catch (ArithmeticException e) {
            throw new DriverException("invalid limits.memory \"" + value + "\": not a whole number of bytes or too big");
        }
        if (bytes <= 0) {
            throw new DriverException("invalid limits.memory \"" + value + "\": must be more than 0 bytes");
        }
        return bytes;
    }

    /**
     * {@code limits.cpu} as a cpuset: a count ("2": the first 2 online CPUs, all of them if there are fewer) or a
     * list of CPUs and ranges ("0-1", "0,1", "0-1,3"), which is used as given.
     */
    static String cpuset(String value, List<Integer> onlineCpus) {
        String v = value.trim();
        if (v.matches("\\d+")) {
            int count = Integer.parseInt(v);
            if (count < 1) {
                throw new DriverException("invalid limits.cpu \"" + value + "\": the CPU count must be at least 1");
            }
            return formatCpuList(onlineCpus.subList(0, Math.min(count, onlineCpus.size())));
        }
        if (!CPU_LIST.matcher(v).matches()) {
            throw new DriverException("invalid limits.cpu \"" + value
                    + "\": expected a CPU count (\"2\") or a list of CPUs and ranges (\"0-1,3\")");
        }
        for (int cpu : parseCpuList(v)) {
            if (!onlineCpus.contains(cpu)) {
                throw new DriverException("invalid limits.cpu \"" + value + "\": CPU " + cpu
                        + " is not online (online: " + formatCpuList(onlineCpus) + ")");
            }
        }
        return v;
    }

    /** "0-2,5" → [0, 1, 2, 5]. */
    static List<Integer> parseCpuList(String list) {
        TreeSet<Integer> out = new TreeSet<>();
        if (list.isBlank()) {
            return List.of();
        }
        for (String part : list.trim().split(",")) {
            String[] range = part.split("-");
            int from = Integer.parseInt(range[0].trim());
            int to = range.length > 1 ? Integer.parseInt(range[1].trim()) : from;
            if (to < from) {
                throw new DriverException("invalid CPU range \"" + part + "\"");
            }
            for (int i = from; i <= to; i++) {
                out.add(i);
            }
        }
        return new ArrayList<>(out);
    }

    /** [0, 1, 2, 5] → "0-2,5". */
    static String formatCpuList(List<Integer> cpus) {
        StringBuilder sb = new StringBuilder();
        int i = 0;
        while (i < cpus.size()) {
            int j = i;
            while (j + 1 < cpus.size() && cpus.get(j + 1) == cpus.get(j) + 1) {
                j++;
            }
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(cpus.get(i));
            if (j > i) {
                sb.append('-').append(cpus.get(j));
            }
            i = j + 1;
        }
        return sb.toString();
    }
}
