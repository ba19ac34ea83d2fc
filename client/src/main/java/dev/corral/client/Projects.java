package dev.corral.client;

import dev.corral.api.Project;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** {@code /1.0/projects} (read). */
public interface Projects {

    CompletableFuture<List<String>> names();

    CompletableFuture<List<Project>> list();

    CompletableFuture<Project> get(String name);
}
