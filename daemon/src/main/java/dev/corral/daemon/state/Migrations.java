package dev.corral.daemon.state;

import java.util.List;

/**
 * The schema, as an ordered list of steps; step N brings the schema to version N. Never edit a released step: add
 * one. The SQL sticks to what SQLite and PostgreSQL both accept (no AUTOINCREMENT, no SQLite-only types).
 */
final class Migrations {

    static final List<List<String>> STEPS = List.of(
            // 1: server configuration and projects, with the default project.
            List.of(
                    "CREATE TABLE config (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
                    "CREATE TABLE projects (name TEXT PRIMARY KEY, description TEXT NOT NULL)",
                    "CREATE TABLE projects_config (project TEXT NOT NULL REFERENCES projects (name)"
                            + " ON UPDATE CASCADE ON DELETE CASCADE, key TEXT NOT NULL, value TEXT NOT NULL,"
                            + " PRIMARY KEY (project, key))",
                    "INSERT INTO projects (name, description) VALUES ('default', 'Default Corral project')",
                    "INSERT INTO projects_config (project, key, value) VALUES"
                            + " ('default', 'features.images', 'true'),"
                            + " ('default', 'features.networks', 'true'),"
                            + " ('default', 'features.networks.zones', 'true'),"
                            + " ('default', 'features.profiles', 'true'),"
                            + " ('default', 'features.storage.buckets', 'true'),"
                            + " ('default', 'features.storage.volumes', 'true')"),
            // 2: the objects of instances and their images, storage and profiles, as JSON documents.
            documentTables("storage_pools", "profiles", "images", "image_aliases", "instances"),
            // 3: the trust store of TLS client certificates.
            documentTables("certificates"),
            // 4: custom storage volumes.
            documentTables("storage_volumes"));

    private static List<String> documentTables(String... tables) {
        return java.util.Arrays.stream(tables)
                .map(table -> "CREATE TABLE " + table + " (project TEXT NOT NULL, name TEXT NOT NULL,"
                        + " doc TEXT NOT NULL, PRIMARY KEY (project, name))")
                .toList();
    }

    private Migrations() {
    }
}
