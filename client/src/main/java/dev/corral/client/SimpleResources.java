package dev.corral.client;

import dev.corral.api.NamePost;
import dev.corral.api.Profile;
import dev.corral.api.ProfilePut;
import dev.corral.api.ProfilesPost;
import dev.corral.api.Project;
import dev.corral.api.Server;
import dev.corral.api.ServerPut;
import dev.corral.api.StoragePool;
import io.vertx.core.http.HttpMethod;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** The small resources: server, projects, storage pools, profiles. */
final class SimpleResources {

    private SimpleResources() {
    }

    static final class ServerImpl implements ServerApi {
        private final Transport transport;

        ServerImpl(Transport transport) {
            this.transport = transport;
        }

        @Override
        public CompletableFuture<Server> get() {
            return transport.get(transport.uri("/1.0"), ClientJson.type(Server.class));
        }

        @Override
        public CompletableFuture<Void> update(ServerPut put) {
            return transport.sync(HttpMethod.PUT, transport.uri("/1.0"), put);
        }

        @Override
        public CompletableFuture<Void> patch(ServerPut put) {
            return transport.sync(HttpMethod.PATCH, transport.uri("/1.0"), put);
        }
    }

    /** A collection read with {@code recursion=0} (names) and {@code 1} (records). */
    abstract static class Collection<T> {
        final Transport transport;
        private final String base;
        private final Class<T> type;

        Collection(Transport transport, String base, Class<T> type) {
            this.transport = transport;
            this.base = base;
            this.type = type;
        }

        String path(String name) {
            return base + "/" + Transport.seg(name);
        }

        public CompletableFuture<List<String>> names() {
            return transport.<List<String>>get(transport.uri(base, "recursion", "0"), ClientJson.listOf(String.class))
                    .thenApply(Names::of);
        }

        public CompletableFuture<List<T>> list() {
            return transport.get(transport.uri(base, "recursion", "1"), ClientJson.listOf(type));
        }

        public CompletableFuture<T> get(String name) {
            return transport.get(transport.uri(path(name)), ClientJson.type(type));
        }
    }

    static final class ProjectsImpl extends Collection<Project> implements Projects {
        ProjectsImpl(Transport transport) {
            super(transport, "/1.0/projects", Project.class);
        }
    }

    static final class StoragePoolsImpl extends Collection<StoragePool> implements StoragePools {
        StoragePoolsImpl(Transport transport) {
            super(transport, "/1.0/storage-pools", StoragePool.class);
        }
    }

    static final class ProfilesImpl extends Collection<Profile> implements Profiles {
        ProfilesImpl(Transport transport) {
            super(transport, "/1.0/profiles", Profile.class);
        }

        @Override
        public CompletableFuture<Void> create(ProfilesPost profile) {
            return transport.sync(HttpMethod.POST, transport.uri("/1.0/profiles"), profile);
        }

        @Override
        public CompletableFuture<Void> update(String name, ProfilePut put) {
            return transport.sync(HttpMethod.PUT, transport.uri(path(name)), put);
        }

        @Override
        public CompletableFuture<Void> patch(String name, ProfilePut put) {
            return transport.sync(HttpMethod.PATCH, transport.uri(path(name)), put);
        }

        @Override
        public CompletableFuture<Void> rename(String name, String newName) {
            return transport.sync(HttpMethod.POST, transport.uri(path(name)), new NamePost(newName));
        }

        @Override
        public CompletableFuture<Void> delete(String name) {
            return transport.sync(HttpMethod.DELETE, transport.uri(path(name)), null);
        }
    }
}
