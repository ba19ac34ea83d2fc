package dev.corral.hypervisor.kvm;

import dev.corral.instance.DriverException;
import dev.corral.instance.Exec;
import dev.corral.instance.InstanceConsole;
import dev.corral.instance.InstanceDriver;
import dev.corral.instance.InstanceFiles;
import dev.corral.instance.InstanceRef;
import dev.corral.instance.InstanceSpec;
import dev.corral.instance.InstanceStatus;
import dev.corral.instance.InstanceType;
import dev.corral.instance.RuntimeState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.DomainInfo;
import org.libvirt.LibvirtException;
import org.libvirt.event.DomainEventType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Virtual machines as libvirt domains (QEMU, UEFI). The domain XML is rendered from the instance's spec at each
 * create, start and update ({@link VmSettings}, {@link DomainXml}); the root disk is the volume's {@code root.img},
 * grown to the root device's size. Capabilities: {@link Exec} through the guest agent, {@link InstanceConsole} on
 * the serial port.
 *
 * <p>A domain is named {@code <prefix><backend name>}; {@link #running()} lists only domains with this driver's
 * prefix, so daemons with different prefixes may share one libvirtd.
 *
 * <p>Threading: every method blocks (libvirt calls, {@code qemu-img}) and may be called from any worker thread.
 * Lifecycle events arrive on libvirt's event-loop thread and only wake waiters.
 */
public final class LibvirtDriver implements InstanceDriver, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LibvirtDriver.class);
    /** {@code VIR_DOMAIN_UNDEFINE_KEEP_NVRAM}: the variable store lives in the volume, which storage deletes. */
    private static final int UNDEFINE_KEEP_NVRAM = 8;
    /** {@code VIR_DOMAIN_XML_INACTIVE}: the definition for the next start, which Corral wrote last. */
    private static final int XML_INACTIVE = 2;
    /** How often a graceful stop presses the power button again (a guest still in its firmware misses it). */
    private static final Duration SHUTDOWN_REPEAT = Duration.ofSeconds(2);

    /**
     * @param uri the libvirt URI ({@code qemu:///system})
     * @param domainPrefix what domain names start with (e.g. {@code corral-})
     * @param accelerator KVM or TCG for every VM
     * @param pidDir where libvirt's QEMU driver keeps {@code <domain>.pid} ({@code /run/libvirt/qemu})
     */
    public record Options(String uri, String domainPrefix, Supplier<DomainConfig.Accelerator> accelerator,
            Path pidDir) {
        public static Options system(String domainPrefix, Supplier<DomainConfig.Accelerator> accelerator) {
            return new Options("qemu:///system", domainPrefix, accelerator, Path.of("/run/libvirt/qemu"));
        }

        public static Options system(String domainPrefix, DomainConfig.Accelerator accelerator) {
            return system(domainPrefix, () -> accelerator);
        }
    }

    private final Options options;
    private final LibvirtConnection connection;
    private final Object stateChanges = new Object();
    private final AgentExec exec;
    private final VmConsole console;
    private final AgentFiles files;
    /** Per running domain: the balloon size last asked for (the guest reaches it once its balloon driver runs). */
    private final Map<String, Long> balloonTargets = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile Runnable onDomainStopped = () -> { };
    /** Work after a domain stopped that must not block libvirt's event thread (running nft). */
    private final java.util.concurrent.ExecutorService cleanups = java.util.concurrent.Executors
            .newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "corral-vm-cleanup");
                t.setDaemon(true);
                return t;
            });

    public LibvirtDriver(Options options) {
        this.options = options;
        this.connection = new LibvirtConnection(options.uri(), this::onEvent);
        this.exec = new AgentExec(this);
        this.console = new VmConsole(this);
        this.files = new AgentFiles(this, exec.agent());
    }

    public Options options() {
        return options;
    }

    /** libvirt's and QEMU's versions ({@code 9.0.0}, {@code 10.0.2}), for {@code GET /1.0}; throws if unreachable. */
    public String hypervisorVersion() {
        return connection.call("cannot read the hypervisor version",
                c -> version(c.getVersion()));
    }

    private static String version(long v) {
        return (v / 1_000_000) + "." + (v / 1000 % 1000) + "." + (v % 1000);
    }

    @Override
    public InstanceType type() {
        return InstanceType.VIRTUAL_MACHINE;
    }

    String domainName(InstanceRef ref) {
        return options.domainPrefix() + ref.backendName();
    }

    @Override
    public void create(InstanceSpec spec) {
        prepareDisk(spec);
        free(define(spec));
    }

    @Override
    public void start(InstanceSpec spec) {
        String name = domainName(spec.ref());
        prepareDisk(spec);
        try {
            Files.createDirectories(spec.logDir());
        } catch (IOException e) {
            throw new DriverException("cannot make the log directory " + spec.logDir() + ": " + e.getMessage(), e);
        }
        withDomain(name, "cannot start " + spec.ref().name(), domain -> {
            if (domain != null && domain.isActive() == 1) {
                throw new DriverException("The instance is already running");
            }
            return null;
        });
        DomainConfig config = VmSettings.domain(spec, name, options.accelerator().get());
        config.disks().forEach(DiskSettings::checkSource);
        config.nics().forEach(nic -> NicSettings.checkParent(nic, NicSettings.SYS_CLASS_NET));
        config.hostDevices().forEach(HostDeviceSettings::checkAvailable);
        List<ProxyNat> proxies = ProxySettings.rules(spec.devices());
        Domain domain = define(spec.ref(), config);
        balloonTargets.remove(name);
        try {
            VmConsole.rotateLog(spec);
            domain.create();
            if (!proxies.isEmpty()) {
                try {
                    NatTables.apply(name, proxies);
                } catch (DriverException e) {
                    domain.destroy();
                    throw e;
                }
            }
        } catch (LibvirtException e) {
            throw new DriverException("Failed to start " + spec.ref().name() + ": " + LibvirtConnection.message(e)
                    + qemuLogTail(name), e);
        } catch (IOException e) {
            throw new DriverException("Failed to start " + spec.ref().name() + ": cannot rotate the console log: "
                    + e.getMessage(), e);
        } finally {
            free(domain);
        }
    }

    @Override
    public void stop(InstanceRef ref, boolean force, Duration timeout) {
        String name = domainName(ref);
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean kill = force || timeout.isZero() || timeout.isNegative();
        withDomain(name, "cannot stop " + ref.name(), domain -> {
            if (domain == null || domain.isActive() != 1) {
                return null;
            }
            if (kill) {
                try {
                    domain.destroy();
                } catch (LibvirtException e) {
                    if (domain.isActive() == 1) {
                        throw e;
                    }
                }
                return null;
            }
            if (domain.getInfo().state == DomainInfo.DomainState.VIR_DOMAIN_PAUSED) {
                domain.resume();
            }
            long nextPress = 0;
            while (domain.isActive() == 1) {
                long now = System.nanoTime();
                if (now - deadline >= 0) {
                    throw new DriverException("Failed to stop " + ref.name() + ": the guest did not shut down within "
                            + timeout.toSeconds() + "s (stop it with --force)");
                }
                if (now - nextPress >= 0) {
                    try {
                        domain.shutdown();
                    } catch (LibvirtException e) {
                        if (domain.isActive() == 1) {
                            LOG.debug("shutdown request for {} failed: {}", name, LibvirtConnection.message(e));
                        }
                    }
                    nextPress = now + SHUTDOWN_REPEAT.toNanos();
                }
                awaitChange(Math.min(nextPress, deadline) - now);
            }
            return null;
        });
        removeNat(name);
    }

    @Override
    public void freeze(InstanceRef ref) {
        withRunning(ref, "Failed to pause " + ref.name(), domain -> {
            domain.suspend();
            return null;
        });
    }

    @Override
    public void unfreeze(InstanceRef ref) {
        withRunning(ref, "Failed to resume " + ref.name(), domain -> {
            domain.resume();
            return null;
        });
    }

    /**
     * The state; {@link InstanceStatus#ERROR} while libvirt cannot be reached (so that lists still answer), with the
     * reason in the daemon's log.
     */
    @Override
    public RuntimeState state(InstanceRef ref) {
        if (!connection.reachable()) {
            return new RuntimeState(InstanceStatus.ERROR, -1, -1, -1, -1, -1, Map.of());
        }
        String name = domainName(ref);
        return withDomain(name, "cannot read the state of " + ref.name(), domain -> {
            if (domain == null) {
                return RuntimeState.stopped();
            }
            DomainInfo info = domain.getInfo();
            InstanceStatus status = status(info.state);
            if (status == InstanceStatus.STOPPED) {
                return RuntimeState.stopped();
            }
            return new RuntimeState(status, pid(name), -1, info.cpuTime, info.memory * 1024, -1, Map.of());
        });
    }

    @Override
    public InstanceStatus status(InstanceRef ref) {
        if (!connection.reachable()) {
            return InstanceStatus.ERROR;
        }
        return withDomain(domainName(ref), "cannot read the status of " + ref.name(),
                domain -> domain == null ? InstanceStatus.STOPPED : status(domain.getInfo().state));
    }

    private static InstanceStatus status(DomainInfo.DomainState state) {
        return switch (state) {
            case VIR_DOMAIN_RUNNING, VIR_DOMAIN_BLOCKED -> InstanceStatus.RUNNING;
            case VIR_DOMAIN_PAUSED, VIR_DOMAIN_PMSUSPENDED -> InstanceStatus.FROZEN;
            case VIR_DOMAIN_SHUTDOWN -> InstanceStatus.STOPPING;
            case VIR_DOMAIN_CRASHED -> InstanceStatus.ERROR;
            default -> InstanceStatus.STOPPED;
        };
    }

    /**
     * Writes the new definition for the next start; a running VM gets its new memory size live through the balloon
     * (up to the size it started with; more needs a restart and is refused), and its disks and nics plugged in and
     * out ({@link LiveDevices}; other device changes are refused while it runs).
     */
    @Override
    public void update(InstanceSpec spec) {
        String name = domainName(spec.ref());
        DomainConfig next = VmSettings.domain(spec, name, options.accelerator().get());
        withDomain(name, "Failed to update " + spec.ref().name(), domain -> {
            if (domain != null && domain.isActive() == 1) {
                long maxKiB = domain.getMaxMemory();
                long wantKiB = next.memoryBytes() / 1024;
                if (wantKiB > maxKiB) {
                    throw new DriverException("Cannot raise the memory of running instance " + spec.ref().name()
                            + " above the " + (maxKiB / 1024) + "MiB it started with: stop it first");
                }
                Map<String, Map<String, String>> running = DomainXml.devices(
                        LiveDevices.parse(domain.getXMLDesc(XML_INACTIVE)));
                List<ProxyNat> proxies = ProxySettings.rules(spec.devices());
                if (running != null) {
                    InstanceSpec was = new InstanceSpec(spec.ref(), spec.type(), spec.config(), running,
                            spec.volume(), spec.logDir(), spec.idMap());
                    LiveDevices.apply(domain, VmSettings.domain(was, name, next.accelerator()), next);
                }
                NatTables.apply(name, proxies);
                if (!Long.valueOf(wantKiB * 1024).equals(balloonTargets.get(name))
                        && domain.getInfo().memory != wantKiB) {
                    domain.setMemory(wantKiB);
                }
                balloonTargets.put(name, wantKiB * 1024);
            }
            return null;
        });
        free(define(spec.ref(), next));
    }

    @Override
    public void rename(InstanceSpec from, InstanceSpec to) {
        String oldName = domainName(from.ref());
        withDomain(oldName, "Failed to rename " + from.ref().name(), domain -> {
            if (domain != null && domain.isActive() == 1) {
                throw new DriverException("Renaming of running instance not allowed");
            }
            if (domain != null) {
                undefine(domain);
            }
            return null;
        });
        free(define(to));
    }

    @Override
    public void delete(InstanceRef ref) {
        String name = domainName(ref);
        withDomain(name, "Failed to delete " + ref.name(), domain -> {
            if (domain != null && domain.isActive() == 1) {
                throw new DriverException("Instance is running");
            }
            if (domain != null) {
                undefine(domain);
            }
            return null;
        });
        removeNat(name);
    }

    /** The running VMs; none while libvirt cannot be reached (reconciliation then leaves VMs alone). */
    @Override
    public List<String> running() {
        if (!connection.reachable()) {
            return List.of();
        }
        return connection.call("cannot list the running VMs", c -> {
            List<String> names = new ArrayList<>();
            for (int id : c.listDomains()) {
                Domain domain;
                try {
                    domain = c.domainLookupByID(id);
                } catch (LibvirtException e) {
                    continue; // stopped meanwhile
                }
                try {
                    String name = domain.getName();
                    if (name.startsWith(options.domainPrefix())) {
                        names.add(name.substring(options.domainPrefix().length()));
                    }
                } finally {
                    free(domain);
                }
            }
            return names;
        });
    }

    @Override
    public <T> Optional<T> capability(Class<T> type) {
        if (type == Exec.class) {
            return Optional.of(type.cast(exec));
        }
        if (type == InstanceConsole.class) {
            return Optional.of(type.cast(console));
        }
        if (type == InstanceFiles.class) {
            return Optional.of(type.cast(files));
        }
        return Optional.empty();
    }

    @Override
    public void close() {
        cleanups.shutdown();
        connection.close();
    }

    /**
     * Called on libvirt's event thread whenever one of this driver's domains stops, for whatever reason: the daemon
     * then looks for VMs that stopped by themselves at once instead of at its next poll. It must not block.
     */
    public void onDomainStopped(Runnable listener) {
        onDomainStopped = listener;
    }

    /** The balloon size last set live for the running VM, or null when none was set since it started. */
    Long balloonTarget(InstanceRef ref) {
        return balloonTargets.get(domainName(ref));
    }

    // ---- helpers for this package

    /** Something done with a domain; null when there is no such domain. The domain is freed afterwards. */
    interface DomainCall<T> {
        T call(Domain domainOrNull) throws LibvirtException;
    }

    <T> T withDomain(String name, String what, DomainCall<T> call) {
        Domain domain = null;
        try {
            Connect c = connection.get();
            try {
                domain = c.domainLookupByName(name);
            } catch (LibvirtException e) {
                if (!LibvirtConnection.isNoDomain(e)) {
                    throw e;
                }
            }
            return call.call(domain);
        } catch (LibvirtException e) {
            throw new DriverException(what + ": " + LibvirtConnection.message(e), e);
        } finally {
            free(domain);
        }
    }

    /** {@link #withDomain} for a domain that must be running (or paused): a DriverException otherwise. */
    <T> T withRunning(InstanceRef ref, String what, DomainCall<T> call) {
        return withDomain(domainName(ref), what, domain -> {
            if (domain == null || domain.isActive() != 1) {
                throw new DriverException("The instance isn't running");
            }
            return call.call(domain);
        });
    }

    String uri() {
        return connection.uri();
    }

    private Domain define(InstanceSpec spec) {
        return define(spec.ref(), VmSettings.domain(spec, domainName(spec.ref()), options.accelerator().get()));
    }

    private Domain define(InstanceRef ref, DomainConfig config) {
        String xml = DomainXml.render(config);
        return connection.call("Failed to define the domain of " + ref.name(), c -> c.domainDefineXML(xml));
    }

    /** The root disk: made empty when the volume has none (source none), grown to the root device's size. */
    private static void prepareDisk(InstanceSpec spec) {
        Path disk = spec.volume().resolve(VmSettings.ROOT_DISK);
        long size = VmSettings.rootSize(spec.devices());
        if (!Files.exists(disk)) {
            QemuImg.create(disk, size);
        } else {
            QemuImg.grow(disk, size);
        }
    }

    private long pid(String name) {
        try {
            return Long.parseLong(Files.readString(options.pidDir().resolve(name + ".pid")).trim());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    private static String qemuLogTail(String name) {
        Path log = Path.of("/var/log/libvirt/qemu", name + ".log");
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            List<String> tail = lines.subList(Math.max(0, lines.size() - 5), lines.size());
            return tail.isEmpty() ? "" : " (" + log + ": " + String.join(" / ", tail) + ")";
        } catch (IOException | java.io.UncheckedIOException e) {
            return "";
        }
    }

    private void onEvent(String domain, DomainEventType type) {
        if (!domain.startsWith(options.domainPrefix())) {
            return;
        }
        LOG.debug("libvirt: {} {}", domain, type);
        synchronized (stateChanges) {
            stateChanges.notifyAll();
        }
        if (type == DomainEventType.STOPPED) {
            try {
                cleanups.execute(() -> removeNat(domain));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                LOG.debug("closing: {} stopped", domain);
            }
            onDomainStopped.run();
        }
    }

    /** Waits at most {@code nanos} (and at most 250 ms, as a safety net for a missed event) for a lifecycle event. */
    private void awaitChange(long nanos) {
        long millis = Math.max(1, Math.min(250, nanos / 1_000_000));
        synchronized (stateChanges) {
            try {
                stateChanges.wait(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DriverException("interrupted while waiting for the VM to stop", e);
            }
        }
    }

    /** Removes a stopped domain's NAT table; a failure is logged (the next start replaces the table anyway). */
    private static void removeNat(String domain) {
        try {
            NatTables.remove(domain);
        } catch (DriverException e) {
            LOG.warn("{}", e.getMessage());
        }
    }

    /** Undefines, keeping the variable store (the volume's); plainly where the driver knows no NVRAM flags. */
    private static void undefine(Domain domain) throws LibvirtException {
        try {
            domain.undefine(UNDEFINE_KEEP_NVRAM);
        } catch (LibvirtException e) {
            org.libvirt.Error.ErrorNumber code = e.getError() == null ? null : e.getError().getCode();
            if (code != org.libvirt.Error.ErrorNumber.VIR_ERR_INVALID_ARG
                    && code != org.libvirt.Error.ErrorNumber.VIR_ERR_NO_SUPPORT) {
                throw e;
            }
            domain.undefine();
        }
    }

    static void free(Domain domain) {
        if (domain != null) {
            try {
                domain.free();
            } catch (LibvirtException e) {
                LOG.debug("freeing a domain handle: {}", LibvirtConnection.message(e));
            }
        }
    }
}
