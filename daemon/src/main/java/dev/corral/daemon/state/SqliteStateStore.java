package dev.corral.daemon.state;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The embedded store: one SQLite file under {@code $CORRAL_DIR/database/}. A single connection, serialised by this
 * object's monitor: SQLite allows one writer anyway, and the daemon's state traffic is small.
 */
public final class SqliteStateStore implements StateStore {

    /** Stored documents are our own: tolerate fields a newer or older corrald wrote. */
    private static final ObjectMapper DOCUMENTS = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private final Connection connection;
    private final int version;

    private SqliteStateStore(Connection connection) throws SQLException {
        this.connection = connection;
        this.version = migrate();
    }

    /** Opens (creating if needed) the database in {@code directory} and brings its schema up to date. */
    public static SqliteStateStore open(Path directory) {
        try {
            Files.createDirectories(directory);
            Connection connection = DriverManager.getConnection("jdbc:sqlite:" + directory.resolve("corral.db"));
            try (Statement statement = connection.createStatement()) {
                statement.execute("PRAGMA journal_mode=WAL");
                statement.execute("PRAGMA foreign_keys=ON");
                statement.execute("PRAGMA busy_timeout=5000");
            }
            return new SqliteStateStore(connection);
        } catch (java.io.IOException | SQLException e) {
            throw new StateException("cannot open the database in " + directory + ": " + e.getMessage(), e);
        }
    }

    private synchronized int migrate() throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS schema (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)");
        }
        int current = 0;
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT COALESCE(MAX(version), 0) FROM schema")) {
            if (rows.next()) {
                current = rows.getInt(1);
            }
        }
        if (current > Migrations.STEPS.size()) {
            throw new SQLException("database schema " + current + " is newer than this corrald ("
                    + Migrations.STEPS.size() + ")");
        }
        for (int step = current + 1; step <= Migrations.STEPS.size(); step++) {
            int target = step;
            transaction(() -> {
                try (Statement statement = connection.createStatement()) {
                    for (String sql : Migrations.STEPS.get(target - 1)) {
                        statement.execute(sql);
                    }
                }
                try (PreparedStatement insert =
                        connection.prepareStatement("INSERT INTO schema (version, applied_at) VALUES (?, ?)")) {
                    insert.setInt(1, target);
                    insert.setString(2, Instant.now().toString());
                    insert.executeUpdate();
                }
            });
        }
        return Migrations.STEPS.size();
    }

    @Override
    public <T> DocumentTable<T> documents(Documents kind, Class<T> type) {
        return new SqliteDocumentTable<>(this, kind.table(), type, DOCUMENTS);
    }

    @Override
    public int schemaVersion() {
        return version;
    }

    @Override
    public synchronized Map<String, String> serverConfig() {
        return withConnection(c -> {
            Map<String, String> config = new TreeMap<>();
            try (Statement statement = connection.createStatement();
                    ResultSet rows = statement.executeQuery("SELECT key, value FROM config")) {
                while (rows.next()) {
                    config.put(rows.getString(1), rows.getString(2));
                }
            }
            return config;
        });
    }

    @Override
    public void replaceServerConfig(Map<String, String> config) {
        withTransaction(c -> {
            try (Statement statement = c.createStatement()) {
                statement.executeUpdate("DELETE FROM config");
            }
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO config (key, value) VALUES (?, ?)")) {
                for (Map.Entry<String, String> entry : config.entrySet()) {
                    insert.setString(1, entry.getKey());
                    insert.setString(2, entry.getValue());
                    insert.addBatch();
                }
                insert.executeBatch();
            }
        });
    }

    @Override
    public List<StoredProject> projects() {
        return withConnection(c -> {
            List<StoredProject> projects = new ArrayList<>();
            try (Statement statement = connection.createStatement();
                    ResultSet rows = statement.executeQuery("SELECT name, description FROM projects ORDER BY name")) {
                while (rows.next()) {
                    projects.add(new StoredProject(rows.getString(1), rows.getString(2), projectConfig(rows.getString(1))));
                }
            }
            return projects;
        });
    }

    @Override
    public Optional<StoredProject> project(String name) {
        return withConnection(c -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT description FROM projects WHERE name = ?")) {
                select.setString(1, name);
                try (ResultSet rows = select.executeQuery()) {
                    if (!rows.next()) {
                        return Optional.empty();
                    }
                    return Optional.of(new StoredProject(name, rows.getString(1), projectConfig(name)));
                }
            }
        });
    }

    private Map<String, String> projectConfig(String project) throws SQLException {
        Map<String, String> config = new LinkedHashMap<>();
        try (PreparedStatement select =
                connection.prepareStatement("SELECT key, value FROM projects_config WHERE project = ? ORDER BY key")) {
            select.setString(1, project);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    config.put(rows.getString(1), rows.getString(2));
                }
            }
        }
        return config;
    }

    @Override
    public synchronized void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            throw new StateException("cannot close the database", e);
        }
    }

    interface SqlWork<T> {
        T run(Connection connection) throws SQLException;
    }

    interface SqlStep {
        void run(Connection connection) throws SQLException;
    }

    /** Runs work on the one connection, under its lock; SQL errors become {@link StateException}s. */
    synchronized <T> T withConnection(SqlWork<T> work) {
        try {
            return work.run(connection);
        } catch (SQLException e) {
            throw new StateException("database error: " + e.getMessage(), e);
        }
    }

    /** Like {@link #withConnection} in one transaction: all of it happens, or none. */
    synchronized void withTransaction(SqlStep step) {
        withConnection(c -> {
            transaction(() -> step.run(c));
            return null;
        });
    }

    private interface TransactionBody {
        void run() throws SQLException;
    }

    private void transaction(TransactionBody body) throws SQLException {
        connection.setAutoCommit(false);
        try {
            body.run();
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }
}
