package dev.corral.client;

import dev.corral.api.ImageAliasesEntry;
import dev.corral.api.ImageAliasesEntryPut;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** {@code /1.0/images/aliases}: names for images. */
public interface ImageAliases {

    CompletableFuture<List<String>> names();

    CompletableFuture<List<ImageAliasesEntry>> list();

    CompletableFuture<ImageAliasesEntry> get(String name);

    /** Names image {@code target} (a fingerprint) {@code name}; fails with 409 if the name is taken. */
    CompletableFuture<Void> create(String name, String target, String description);

    /** {@code PUT}: replaces target and description. */
    CompletableFuture<Void> update(String name, ImageAliasesEntryPut put);

    /** {@code PATCH}: changes the given fields. */
    CompletableFuture<Void> patch(String name, ImageAliasesEntryPut put);

    CompletableFuture<Void> rename(String name, String newName);

    CompletableFuture<Void> delete(String name);
}
