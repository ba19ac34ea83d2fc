package dev.corral.storage;

import dev.corral.instance.InstanceType;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the image store knows of an imported image, shaped for Incus's {@code api.Image}; the daemon adds what it
 * keeps in its database (aliases as created, auto_update, cached, last_used_at, project).
 *
 * @param fingerprint sha256 of the file (unified) or of the metadata file's bytes followed by the rootfs file's
 * @param filename the uploaded name: X-Incus-filename for a unified image, the rootfs part's file name for a split
 *     one (as Incus); may be empty
 * @param size bytes of the image file(s)
 * @param architecture canonical name ({@code x86_64})
 * @param type container or virtual-machine
 * @param createdAt metadata.yaml's creation_date
 * @param expiresAt metadata.yaml's expiry_date, or null (Incus shows {@code 0001-01-01T00:00:00Z} then)
 * @param uploadedAt when the import finished
 * @param properties metadata.yaml's properties with X-Incus-properties applied over them
 * @param isPublic X-Incus-public
 * @param aliases X-Incus-aliases (the daemon creates them)
 * @param profiles X-Incus-profiles (empty: the daemon uses {@code default})
 * @param metadata all of metadata.yaml (templates included)
 */
public record ImageInfo(
        String fingerprint,
        String filename,
        long size,
        String architecture,
        InstanceType type,
        Instant createdAt,
        Instant expiresAt,
        Instant uploadedAt,
        Map<String, String> properties,
        boolean isPublic,
        List<String> aliases,
        List<String> profiles,
        ImageMetadata metadata) {

    public ImageInfo {
        properties = Map.copyOf(properties);
        aliases = List.copyOf(aliases);
        profiles = List.copyOf(profiles);
    }
}
