package dev.corral.daemon.state;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The daemon's persistent state, the source of truth for configuration. Implementations block (JDBC): call them
 * from worker threads only. One interface so that a clustered PostgreSQL store can replace the embedded SQLite one.
 */
public interface StateStore extends AutoCloseable {

    /** The schema version the store is at after its migrations ran. */
    int schemaVersion();

    Map<String, String> serverConfig();

    /** Replaces the whole server configuration in one transaction. */
    void replaceServerConfig(Map<String, String> config);

    List<StoredProject> projects();

    /** The stored objects of one kind, as JSON documents of {@code type}. */
    <T> DocumentTable<T> documents(Documents kind, Class<T> type);

    Optional<StoredProject> project(String name);

    @Override
    void close();

    /** A project row with its configuration. */
    record StoredProject(String name, String description, Map<String, String> config) {
    }
}
