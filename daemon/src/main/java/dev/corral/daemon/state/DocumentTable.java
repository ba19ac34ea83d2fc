package dev.corral.daemon.state;

import java.util.List;
import java.util.Optional;

/**
 * One kind of stored object (instances, profiles, images, ...), keyed by project and name and kept as a JSON
 * document. Queries beyond the key are done by the caller: the counts are small, and the SQL stays portable.
 * Blocking: call from worker threads.
 */
public interface DocumentTable<T> {

    /** Every object of a project (all projects when {@code project} is null), ordered by project then name. */
    List<T> list(String project);

    Optional<T> get(String project, String name);

    /** Adds a new object; throws {@link StateConflictException} if the name is taken. */
    void insert(String project, String name, T value);

    /** Replaces an existing object; false if there is none. */
    boolean update(String project, String name, T value);

    /** Removes an object; false if there was none. */
    boolean delete(String project, String name);

    /** Renames (and replaces) an object in one transaction; throws {@link StateConflictException} if taken. */
    void rename(String project, String from, String to, T value);
}
