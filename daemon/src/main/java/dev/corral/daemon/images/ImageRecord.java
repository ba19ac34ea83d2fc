package dev.corral.daemon.images;

import java.util.List;
import java.util.Map;

/** An image as stored; its files are the image store's. */
public record ImageRecord(
        String fingerprint,
        String filename,
        long size,
        String architecture,
        String type,
        String createdAt,
        String uploadedAt,
        String expiresAt,
        String lastUsedAt,
        boolean isPublic,
        boolean autoUpdate,
        Map<String, String> properties,
        List<String> profiles) {

    ImageRecord withUse(String when) {
        return new ImageRecord(fingerprint, filename, size, architecture, type, createdAt, uploadedAt, expiresAt,
                when, isPublic, autoUpdate, properties, profiles);
    }

    ImageRecord withWritable(boolean isPublic, boolean autoUpdate, Map<String, String> properties,
            String expiresAt, List<String> profiles) {
        return new ImageRecord(fingerprint, filename, size, architecture, type, createdAt, uploadedAt, expiresAt,
                lastUsedAt, isPublic, autoUpdate, properties, profiles);
    }
}
