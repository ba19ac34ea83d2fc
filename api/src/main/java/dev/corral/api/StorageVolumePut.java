package dev.corral.api;

import java.util.Map;

/** {@code PUT}/{@code PATCH} of a storage volume: what may change ({@code restore}: a snapshot, which Corral lacks). */
public record StorageVolumePut(Map<String, String> config, String description, String restore) {
}
