package dev.corral.daemon.storage;

import java.util.Map;

/** A storage pool as stored. */
public record StoragePoolRecord(String name, String driver, String description, Map<String, String> config) {
}
