package dev.corral.daemon;

import dev.corral.daemon.events.EventsEndpoint;
import dev.corral.daemon.events.Lifecycle;
import dev.corral.daemon.http.ApiRouter;
import dev.corral.daemon.http.Endpoint;
import dev.corral.daemon.images.AliasRecord;
import dev.corral.daemon.images.AliasesEndpoint;
import dev.corral.daemon.images.BuiltInImage;
import dev.corral.daemon.images.ImageRecord;
import dev.corral.daemon.images.ImageUploads;
import dev.corral.daemon.images.Images;
import dev.corral.daemon.images.ImagesEndpoint;
import dev.corral.daemon.instances.InstanceRecord;
import dev.corral.daemon.instances.InstanceService;
import dev.corral.daemon.instances.InstancesEndpoint;
import dev.corral.daemon.instances.PoolVolumes;
import dev.corral.daemon.instances.SubIds;
import dev.corral.daemon.instances.console.ConsoleEndpoint;
import dev.corral.daemon.instances.exec.ExecEndpoint;
import dev.corral.daemon.instances.logs.LogsEndpoint;
import dev.corral.daemon.instances.files.FilesEndpoint;
import dev.corral.daemon.profiles.ProfileRecord;
import dev.corral.daemon.profiles.Profiles;
import dev.corral.daemon.profiles.ProfilesEndpoint;
import dev.corral.daemon.projects.Projects;
import dev.corral.daemon.state.DocumentTable;
import dev.corral.daemon.state.Documents;
import dev.corral.daemon.storage.StoragePoolRecord;
import dev.corral.daemon.storage.StoragePools;
import dev.corral.daemon.storage.StoragePoolsEndpoint;
import dev.corral.daemon.storage.StorageVolumes;
import dev.corral.daemon.storage.StorageVolumesEndpoint;
import dev.corral.daemon.storage.VolumeRecord;
import dev.corral.daemon.operations.OperationsEndpoint;
import dev.corral.daemon.projects.ProjectsEndpoint;
import dev.corral.daemon.server.HostInfo;
import dev.corral.daemon.server.ServerConfig;
import dev.corral.daemon.server.ServerEndpoint;
import dev.corral.daemon.state.SqliteStateStore;
import dev.corral.daemon.state.StateStore;
import dev.corral.daemon.testing.TestHooksEndpoint;
import dev.corral.daemon.trust.CertificatesEndpoint;
import dev.corral.daemon.trust.ServerCertificate;
import dev.corral.daemon.trust.TrustStore;
import dev.corral.api.ApiException;
import dev.corral.api.Certificate;
import io.vertx.ext.web.Router;
import java.util.function.Supplier;
import dev.corral.container.lxc.LxcDriver;
import dev.corral.daemon.images.BuiltInVmImage;
import dev.corral.daemon.instances.VmDrivers;
import dev.corral.hypervisor.kvm.LibvirtDriver;
import dev.corral.instance.InstanceDriver;
import dev.corral.instance.InstanceType;
import dev.corral.operations.EventBus;
import dev.corral.storage.DirPool;
import dev.corral.storage.ImageStore;
import dev.corral.operations.OperationRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wires the daemon together and owns everything it starts; {@link #close()} stops it all. */
public final class Daemon implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);
    /** Finished operations stay visible this long, as in Incus. */
    private static final Duration OPERATION_RETENTION = Duration.ofSeconds(5);
    private static final int MAX_RUNNING_OPERATIONS = 256;
    /** How often instances are checked for having stopped by themselves (drivers with events also report at once). */
    private static final Duration SELF_STOP_CHECK = Duration.ofSeconds(2);
    private static final String HTTPS_ADDRESS = "core.https_address";
    private static final String TOKEN_EXPIRY = "core.remote_token_expiry";

    private final DaemonConfig config;
    private final StateStore store;
    private final Vertx vertx;
    private final ExecutorService operationWorkers;
    private final ScheduledExecutorService timers;
    private HttpServer unixServer;
    private volatile HttpsListener https;
    private LibvirtDriver vms;

    private Daemon(DaemonConfig config, StateStore store, Vertx vertx) {
        this.config = config;
        this.store = store;
        this.vertx = vertx;
        this.operationWorkers = new ThreadPoolExecutor(0, MAX_RUNNING_OPERATIONS, 60, TimeUnit.SECONDS,
                new SynchronousQueue<>(), named("corral-operation"));
        this.timers = Executors.newSingleThreadScheduledExecutor(named("corral-timer"));
    }

    /** Starts the daemon; returns once it answers on its socket. */
    public static Daemon start(DaemonConfig config) throws Exception {
        Files.createDirectories(config.dir());
        Files.setPosixFilePermissions(config.dir(), PosixFilePermissions.fromString("rwx--x--x"));
        StateStore store = SqliteStateStore.open(config.database());
        Vertx vertx = Vertx.builder().with(new VertxOptions().setPreferNativeTransport(true)).build();
        Daemon daemon = new Daemon(config, store, vertx);
        try {
            if (!vertx.isNativeTransportEnabled()) {
                throw new IllegalStateException("the native epoll transport is unavailable: "
                        + vertx.unavailableNativeTransportCause());
            }
            daemon.listen();
            return daemon;
        } catch (Exception | Error e) {
            daemon.close();
            throw e;
        }
    }

    private void listen() throws Exception {
        EventBus events = new EventBus();
        OperationRegistry operations = new OperationRegistry(operationWorkers, timers, events, OPERATION_RETENTION);
        Lifecycle lifecycle = new Lifecycle(events);
        DocumentTable<InstanceRecord> instances = store.documents(Documents.INSTANCES, InstanceRecord.class);
        DocumentTable<ProfileRecord> profileTable = store.documents(Documents.PROFILES, ProfileRecord.class);
        StoragePools pools = new StoragePools(store.documents(Documents.STORAGE_POOLS, StoragePoolRecord.class));
        Profiles profiles = new Profiles(profileTable, pools);
        Path defaultPool = config.dir().resolve("storage-pools").resolve(StoragePools.DEFAULT);
        Files.createDirectories(defaultPool);
        pools.ensureDefault(defaultPool);
        profiles.ensureDefault(Projects.DEFAULT, StoragePools.DEFAULT);

        ImageStore imageStore = new ImageStore(config.dir().resolve("images"));
        Images images = new Images(store.documents(Documents.IMAGES, ImageRecord.class),
                store.documents(Documents.IMAGE_ALIASES, AliasRecord.class));
        ImageUploads uploads = new ImageUploads(config.dir().resolve("uploads"), images, imageStore);
        BuiltInImage.ensure(images, uploads, Projects.DEFAULT, config.builtInImage());
        BuiltInVmImage.ensure(images, uploads, Projects.DEFAULT, config.builtInImage() == null ? null
                : config.builtInImage().resolveSibling(BuiltInVmImage.METADATA));

        Map<String, DirPool> dirPools = new HashMap<>();
        for (StoragePoolRecord pool : pools.list()) {
            dirPools.put(pool.name(), new DirPool(pool.name(), Path.of(pool.config().get("source")), imageStore));
        }
        InstanceDriver lxc = new LxcDriver(config.dir().resolve("containers"), config.dir().resolve("logs"));
        ServerConfig serverConfig = new ServerConfig(store);
        vms = VmDrivers.libvirt(config.dir(), serverConfig::current);
        StorageVolumes storageVolumes = new StorageVolumes(
                store.documents(Documents.STORAGE_VOLUMES, VolumeRecord.class), dirPools, instances, profileTable);
        InstanceService instanceService = new InstanceService(instances, profiles, new PoolVolumes(dirPools), images,
                Map.of(InstanceType.CONTAINER, lxc, InstanceType.VIRTUAL_MACHINE, vms), lifecycle, SubIds.forRoot(),
                config.dir().resolve("logs"), storageVolumes::resolve);

        ServerCertificate certificate = ServerCertificate.loadOrCreate(config.dir());
        TrustStore trust = new TrustStore(store.documents(Documents.CERTIFICATES, Certificate.class));
        Supplier<List<String>> httpsAddresses = () -> https == null ? List.of() : https.addresses();

        List<Endpoint> endpoints = new ArrayList<>(List.of(
                new ServerEndpoint(serverConfig, lifecycle, HostInfo.read(), certificate, httpsAddresses,
                        VmDrivers.environment(vms)),
                new CertificatesEndpoint(trust, operations, certificate, httpsAddresses,
                        () -> serverConfig.current().getOrDefault(TOKEN_EXPIRY, ""), lifecycle),
                new ProjectsEndpoint(store, profileTable, instances),
                new OperationsEndpoint(operations),
                new EventsEndpoint(events),
                new ProfilesEndpoint(profiles, instances, lifecycle),
                new StoragePoolsEndpoint(pools, profileTable, instances),
                new StorageVolumesEndpoint(storageVolumes, operations, lifecycle, config.dir().resolve("uploads")),
                // Aliases first: /1.0/images/aliases must not be taken for an image fingerprint.
                new AliasesEndpoint(images, lifecycle),
                new ImagesEndpoint(images, imageStore, uploads, operations, lifecycle),
                new InstancesEndpoint(instanceService, operations),
                new ExecEndpoint(instanceService, operations, lifecycle),
                new FilesEndpoint(instanceService, operations, lifecycle),
                new ConsoleEndpoint(instanceService, operations, lifecycle),
                // after ExecEndpoint: /logs/exec-output is that one's
                new LogsEndpoint(instanceService, lifecycle)));
        if (config.testHooks()) {
            LOG.warn("test hooks are enabled (CORRAL_TEST_HOOKS=1): never do this in production");
            endpoints.add(new TestHooksEndpoint(operations));
        }
        Router router = ApiRouter.build(vertx, endpoints, events, trust);
        unixServer = UnixListener.listen(vertx, router, config.socket(), config.socketGroup()).await();
        LOG.info("listening on {}", config.socket());
        https = new HttpsListener(vertx, router, certificate);
        serverConfig.watch(HTTPS_ADDRESS, https::apply);
        try {
            https.apply(serverConfig.current().getOrDefault(HTTPS_ADDRESS, ""));
        } catch (ApiException e) {
            // As Incus: the daemon still serves its unix socket, and the address can be corrected there.
            LOG.error("{}", e.getMessage());
        }
        operationWorkers.submit(() -> {
            try {
                instanceService.reconcile();
            } catch (RuntimeException e) {
                LOG.error("cannot reconcile instances with what runs", e);
            }
        });
        Runnable noticeSelfStops = () -> {
            try {
                operationWorkers.submit(() -> {
                    try {
                        instanceService.noticeSelfStops();
                    } catch (RuntimeException e) {
                        LOG.warn("cannot check for instances that stopped by themselves", e);
                    }
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                LOG.debug("closing: no check for self-stopped instances");
            }
        };
        vms.onDomainStopped(noticeSelfStops);
        timers.scheduleWithFixedDelay(noticeSelfStops, SELF_STOP_CHECK.toMillis(), SELF_STOP_CHECK.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        if (https != null) {
            https.close();
        }
        try {
            if (unixServer != null) {
                unixServer.close().await(5, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            LOG.warn("cannot close the unix listener cleanly", e);
        }
        try {
            vertx.close().await(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("cannot stop Vert.x cleanly", e);
        }
        operationWorkers.shutdownNow();
        timers.shutdownNow();
        if (vms != null) {
            vms.close();
        }
        store.close();
        try {
            Files.deleteIfExists(config.socket());
        } catch (java.io.IOException e) {
            LOG.warn("cannot remove {}", config.socket(), e);
        }
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
