package dev.corral.client;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A file pulled from an instance.
 *
 * @param info type, owner and mode
 * @param content the bytes of a file (for a symlink: its target); empty for a directory
 * @param entries the names in a directory; empty otherwise
 */
public record InstanceFile(FileInfo info, byte[] content, List<String> entries) {

    /** The content as UTF-8 text. */
    public String text() {
        return new String(content, StandardCharsets.UTF_8);
    }
}
