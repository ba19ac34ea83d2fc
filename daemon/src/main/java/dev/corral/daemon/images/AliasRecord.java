package dev.corral.daemon.images;

/** An image alias as stored: a name for an image's fingerprint. */
public record AliasRecord(String name, String target, String description, String type) {
}
