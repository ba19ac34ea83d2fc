package dev.corral.client;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * A connection to Corral or to a real Incus daemon: the entry point of the SDK.
 *
 * <pre>{@code
 * try (Corral client = Corral.connect()) {                       // $CORRAL_DIR, $INCUS_DIR, or the default sockets
 *     Server server = client.server().get().join();
 *     Instance c1 = client.instances().createAndWait(
 *             CreateInstance.fromImage("busybox").withName("c1").withStart(true), Duration.ofMinutes(1)).join();
 *     ...
 * }
 * }</pre>
 *
 * <p>Connecting opens nothing yet: the first request does (and fails with a {@code CONNECTION}
 * {@link CorralException} if the daemon is not there). One client is meant to be shared: it is thread-safe, pools its
 * connections, and runs one I/O thread. {@link #close()} releases the connections, the I/O thread and the callback
 * threads (those it made itself).
 */
public final class Corral implements AutoCloseable {

    /** The default socket paths tried, in order, when neither variable is set. */
    public static final List<Path> DEFAULT_SOCKETS = List.of(
            Path.of("/var/lib/corral/unix.socket"), Path.of("/var/lib/incus/unix.socket"));

    private final Transport transport;
    private final ServerApi server;
    private final Projects projects;
    private final Instances instances;
    private final Images images;
    private final Profiles profiles;
    private final StoragePools storagePools;
    private final Operations operations;
    private final Events events;
    private final RawApi raw;

    private Corral(Transport transport) {
        this.transport = transport;
        this.server = new SimpleResources.ServerImpl(transport);
        this.projects = new SimpleResources.ProjectsImpl(transport);
        this.instances = new InstancesImpl(transport);
        this.images = new ImagesImpl(transport);
        this.profiles = new SimpleResources.ProfilesImpl(transport);
        this.storagePools = new SimpleResources.StoragePoolsImpl(transport);
        this.operations = new OperationsImpl(transport);
        this.events = new EventsImpl(transport);
        this.raw = new RawApiImpl(transport);
    }

    /** The local daemon found by {@link #discoverSocket()}, with default options. */
    public static Corral connect() {
        return connect(ClientOptions.defaults());
    }

    /** The local daemon found by {@link #discoverSocket()}. */
    public static Corral connect(ClientOptions options) {
        return connectUnix(discoverSocket(), options);
    }

    /** The daemon listening on {@code socket}, with default options. */
    public static Corral connectUnix(Path socket) {
        return connectUnix(socket, ClientOptions.defaults());
    }

    /** The daemon listening on {@code socket}. */
    public static Corral connectUnix(Path socket, ClientOptions options) {
        Objects.requireNonNull(socket, "socket");
        return new Corral(Transport.unix(socket, Objects.requireNonNull(options, "options")));
    }

    /**
     * A remote daemon over TLS ({@code https://host:8443}), with default options.
     *
     * @param clientCertificate the certificate the daemon trusts, with its key
     * @param pinnedServerCertificate the daemon's certificate: trusted exactly, instead of certificate authorities
     *        and host names (as {@code incus remote add} pins it); null to use the JVM's trusted authorities and
     *        check the host name
     */
    public static Corral connectTls(URI uri, TlsIdentity clientCertificate, X509Certificate pinnedServerCertificate) {
        return connectTls(uri, clientCertificate, pinnedServerCertificate, ClientOptions.defaults());
    }

    /** {@link #connectTls(URI, TlsIdentity, X509Certificate)} with options. */
    public static Corral connectTls(URI uri, TlsIdentity clientCertificate, X509Certificate pinnedServerCertificate,
            ClientOptions options) {
        Objects.requireNonNull(uri, "uri");
        return new Corral(Transport.tls(uri, clientCertificate, pinnedServerCertificate,
                Objects.requireNonNull(options, "options")));
    }

    /**
     * The local daemon's socket: {@code $CORRAL_DIR/unix.socket} if {@code CORRAL_DIR} is set, else
     * {@code $INCUS_DIR/unix.socket} if {@code INCUS_DIR} is set, else the first of {@link #DEFAULT_SOCKETS} that
     * exists. A variable that is set is used even when its socket is missing (the first request then says so):
     * an explicit choice never silently falls through to another daemon.
     *
     * @throws CorralException ({@code CONNECTION}) when no variable is set and no default socket exists
     */
    public static Path discoverSocket() {
        return discoverSocket(System.getenv(), Files::exists);
    }

    static Path discoverSocket(Map<String, String> env, Predicate<Path> exists) {
        for (String variable : List.of("CORRAL_DIR", "INCUS_DIR")) {
            String dir = env.get(variable);
            if (dir != null && !dir.isBlank()) {
                return Path.of(dir.strip(), "unix.socket");
            }
        }
        List<String> tried = new ArrayList<>();
        for (Path socket : DEFAULT_SOCKETS) {
            if (exists.test(socket)) {
                return socket;
            }
            tried.add(socket.toString());
        }
        throw CorralException.connection("no local daemon: CORRAL_DIR and INCUS_DIR are not set, and none of "
                + tried + " exists", null);
    }

    /** {@code /1.0}: server information and configuration. */
    public ServerApi server() {
        return server;
    }

    /** {@code /1.0/projects}. */
    public Projects projects() {
        return projects;
    }

    /** {@code /1.0/instances}: create, change, run commands in, delete. */
    public Instances instances() {
        return instances;
    }

    /** {@code /1.0/images} and its aliases. */
    public Images images() {
        return images;
    }

    /** {@code /1.0/profiles}. */
    public Profiles profiles() {
        return profiles;
    }

    /** {@code /1.0/storage-pools}. */
    public StoragePools storagePools() {
        return storagePools;
    }

    /** {@code /1.0/operations}. */
    public Operations operations() {
        return operations;
    }

    /** {@code /1.0/events}. */
    public Events events() {
        return events;
    }

    /** Any endpoint, untyped. */
    public RawApi raw() {
        return raw;
    }

    /** Where the daemon is: {@code unix:/path/unix.socket} or {@code https://host:port}. */
    public String address() {
        return transport.description();
    }

    /** The options in force. */
    public ClientOptions options() {
        return transport.options();
    }

    /**
     * Closes the connections and stops the client's threads (a shared Vert.x instance or callback executor is left
     * running). Open streams end; pending futures fail with a {@code CONNECTION} {@link CorralException}.
     */
    @Override
    public void close() {
        transport.close();
    }

    @Override
    public String toString() {
        return "Corral[" + address() + "]";
    }
}
