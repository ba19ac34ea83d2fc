package dev.corral.daemon.instances;

import dev.corral.instance.IdMap;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The id map for unprivileged containers: root's ranges in {@code /etc/subuid} and {@code /etc/subgid}. */
public final class SubIds {

    private static final Logger LOG = LoggerFactory.getLogger(SubIds.class);
    /** What Incus assumes when the files say nothing for root. */
    private static final long[] DEFAULT = {1_000_000, 1_000_000_000};

    private SubIds() {
    }

    public static IdMap forRoot() {
        long[] uids = range(Path.of("/etc/subuid"));
        long[] gids = range(Path.of("/etc/subgid"));
        return new IdMap(uids[0], gids[0], Math.min(uids[1], gids[1]));
    }

    private static long[] range(Path file) {
        try {
            for (String line : Files.readAllLines(file)) {
                String[] fields = line.trim().split(":");
                if (fields.length == 3 && (fields[0].equals("root") || fields[0].equals("0"))) {
                    return new long[] {Long.parseLong(fields[1]), Long.parseLong(fields[2])};
                }
            }
        } catch (IOException | NumberFormatException e) {
            LOG.warn("cannot read {}: {}", file, e.getMessage());
        }
        LOG.warn("no range for root in {}: using {}:{}", file, DEFAULT[0], DEFAULT[1]);
        return DEFAULT;
    }
}
