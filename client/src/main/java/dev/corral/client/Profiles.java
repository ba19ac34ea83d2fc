package dev.corral.client;

import dev.corral.api.Profile;
import dev.corral.api.ProfilePut;
import dev.corral.api.ProfilesPost;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** {@code /1.0/profiles}: configuration and devices shared by instances. */
public interface Profiles {

    CompletableFuture<List<String>> names();

    CompletableFuture<List<Profile>> list();

    CompletableFuture<Profile> get(String name);

    /** {@code POST /1.0/profiles}; fails with 409 if the name is taken. */
    CompletableFuture<Void> create(ProfilesPost profile);

    /** {@code PUT}: replaces config, description and devices. */
    CompletableFuture<Void> update(String name, ProfilePut put);

    /** {@code PATCH}: merges the given config keys and devices. */
    CompletableFuture<Void> patch(String name, ProfilePut put);

    CompletableFuture<Void> rename(String name, String newName);

    /** Fails with 400 while instances use the profile, as Incus does. */
    CompletableFuture<Void> delete(String name);
}
