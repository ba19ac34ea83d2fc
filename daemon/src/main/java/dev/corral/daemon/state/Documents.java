package dev.corral.daemon.state;

/** The kinds of stored document, one table each (see {@link Migrations} step 2). */
public enum Documents {
    /** Global objects are stored under project "". */
    STORAGE_POOLS("storage_pools"),
    PROFILES("profiles"),
    /** Keyed by fingerprint. */
    IMAGES("images"),
    IMAGE_ALIASES("image_aliases"),
    INSTANCES("instances"),
    /** Global, keyed by fingerprint (see {@link Migrations} step 3). */
    CERTIFICATES("certificates"),
    /** Custom storage volumes, keyed by {@code <pool>/<name>} (see {@link Migrations} step 4). */
    STORAGE_VOLUMES("storage_volumes");

    private final String table;

    Documents(String table) {
        this.table = table;
    }

    String table() {
        return table;
    }
}
