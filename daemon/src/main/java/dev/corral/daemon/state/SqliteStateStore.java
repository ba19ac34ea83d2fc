package dev.corral.daemon.state;

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
    public int schemaVersion() {
        return version;
    }

    @Override
    public synchronized Map<String, String> serverConfig() {
        return query(() -> {
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
    public synchronized void replaceServerConfig(Map<String, String> config) {
        query(() -> {
            transaction(() -> {
                try (Statement statement = connection.createStatement()) {
                    statement.executeUpdate("DELETE FROM config");
                }
                try (PreparedStatement insert = connection.prepareStatement("INSERT INTO config (key, value) VALUES (?, ?)")) {
                    for (Map.Entry<String, String> entry : config.entrySet()) {
                        insert.setString(1, entry.getKey());
                        insert.setString(2, entry.getValue());
                        insert.addBatch();
                    }
                    insert.executeBatch();
                }
            });
            return null;
        });
    }

    @Override
    public synchronized List<StoredProject> projects() {
        return query(() -> {
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
    public synchronized Optional<StoredProject> project(String name) {
        return query(() -> {
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

    private interface SqlWork<T> {
        T run() throws SQLException;
    }

    private interface SqlStep {
        void run() throws SQLException;
    }

    private <T> T query(SqlWork<T> work) {
        try {
            return work.run();
        } catch (SQLException e) {
            throw new StateException("database error: " + e.getMessage(), e);
        }
    }

    private void transaction(SqlStep step) throws SQLException {
        connection.setAutoCommit(false);
        try {
            step.run();
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }
}
