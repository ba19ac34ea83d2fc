package dev.corral.daemon.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A {@link DocumentTable} on a table {@code (project, name, doc)} of the SQLite store; shares its connection lock. */
final class SqliteDocumentTable<T> implements DocumentTable<T> {

    private final SqliteStateStore store;
    private final String table;
    private final Class<T> type;
    private final ObjectMapper mapper;

    SqliteDocumentTable(SqliteStateStore store, String table, Class<T> type, ObjectMapper mapper) {
        this.store = store;
        this.table = table;
        this.type = type;
        this.mapper = mapper;
    }

    @Override
    public List<T> list(String project) {
        String sql = "SELECT doc FROM " + table + (project == null ? "" : " WHERE project = ?")
                + " ORDER BY project, name";
        return store.withConnection(connection -> {
            try (PreparedStatement select = connection.prepareStatement(sql)) {
                if (project != null) {
                    select.setString(1, project);
                }
                List<T> values = new ArrayList<>();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        values.add(read(rows.getString(1)));
                    }
                }
                return values;
            }
        });
    }

    @Override
    public Optional<T> get(String project, String name) {
        return store.withConnection(connection -> {
            try (PreparedStatement select =
                    connection.prepareStatement("SELECT doc FROM " + table + " WHERE project = ? AND name = ?")) {
                select.setString(1, project);
                select.setString(2, name);
                try (ResultSet rows = select.executeQuery()) {
                    return rows.next() ? Optional.of(read(rows.getString(1))) : Optional.empty();
                }
            }
        });
    }

    @Override
    public void insert(String project, String name, T value) {
        store.withTransaction(connection -> insert(connection, project, name, value));
    }

    private void insert(Connection connection, String project, String name, T value) throws SQLException {
        if (exists(connection, project, name)) {
            throw new StateConflictException("\"" + name + "\" already exists");
        }
        try (PreparedStatement insert =
                connection.prepareStatement("INSERT INTO " + table + " (project, name, doc) VALUES (?, ?, ?)")) {
            insert.setString(1, project);
            insert.setString(2, name);
            insert.setString(3, write(value));
            insert.executeUpdate();
        }
    }

    @Override
    public boolean update(String project, String name, T value) {
        return store.withConnection(connection -> {
            try (PreparedStatement update =
                    connection.prepareStatement("UPDATE " + table + " SET doc = ? WHERE project = ? AND name = ?")) {
                update.setString(1, write(value));
                update.setString(2, project);
                update.setString(3, name);
                return update.executeUpdate() == 1;
            }
        });
    }

    @Override
    public boolean delete(String project, String name) {
        return store.withConnection(connection -> delete(connection, project, name));
    }

    private boolean delete(Connection connection, String project, String name) throws SQLException {
        try (PreparedStatement delete =
                connection.prepareStatement("DELETE FROM " + table + " WHERE project = ? AND name = ?")) {
            delete.setString(1, project);
            delete.setString(2, name);
            return delete.executeUpdate() == 1;
        }
    }

    @Override
    public void rename(String project, String from, String to, T value) {
        store.withTransaction(connection -> {
            delete(connection, project, from);
            insert(connection, project, to, value);
        });
    }

    private boolean exists(Connection connection, String project, String name) throws SQLException {
        try (PreparedStatement select =
                connection.prepareStatement("SELECT 1 FROM " + table + " WHERE project = ? AND name = ?")) {
            select.setString(1, project);
            select.setString(2, name);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next();
            }
        }
    }

    private T read(String json) {
        try {
            return mapper.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new StateException("unreadable " + table + " row: " + e.getOriginalMessage(), e);
        }
    }

    private String write(T value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new StateException("cannot store " + table + " row: " + e.getOriginalMessage(), e);
        }
    }
}
