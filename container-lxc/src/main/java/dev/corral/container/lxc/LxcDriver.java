package dev.corral.container.lxc;

import dev.corral.container.lxc.HostFacts.Controller;
import dev.corral.instance.DriverException;
import dev.corral.instance.InstanceDriver;
import dev.corral.instance.InstanceRef;
import dev.corral.instance.InstanceSpec;
import dev.corral.instance.InstanceStatus;
import dev.corral.instance.InstanceType;
import dev.corral.instance.RuntimeState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.stream.Stream;

/**
 * Runs system containers with LXC: liblxc (through {@link LxcContainer}) for everything but start, {@code
 * lxc-start} as a child process for start ({@link LxcStart}), so that a container's monitor is never a copy of the
 * JVM and containers keep running when the JVM exits.
 *
 * <p>On disk: {@code <lxcpath>/<backendName>/config} and {@code seccomp}, written by the driver at create, start and
 * update; logs in the spec's {@code logDir} ({@code lxc.log}, {@code lxc.log.old}, {@code console.log}, {@code
 * lxc-start.log}). The root filesystem is the spec's {@code volume/rootfs}, owned by the mapped ids.
 *
 * <p>Threading: every method blocks and may be called from any worker thread. The driver holds no mutable state;
 * liblxc's own locks serialise operations on one container, the daemon serialises lifecycle calls per instance.
 */
public final class LxcDriver implements InstanceDriver {

    private static final int STOP_WAIT_SECONDS = 30;
    /** How long one halt signal is given before it is sent again, within a graceful stop's timeout. */
    private static final int HALT_RESEND_SECONDS = 2;
    private static final Duration FREEZE_TIMEOUT = Duration.ofSeconds(10);
    /** While a freeze settles, FROZEN is written again this often. */
    private static final Duration FREEZER_REWRITE = Duration.ofMillis(100);
    private static final Path LOCK_ROOT = Path.of("/run/lxc/lock");

    private final Path lxcpath;
    private final Path logRoot;
    private final LxcConfig configs;
    /** Pooled read handles per container (see {@link #withReader}). */
    private static final int READERS_PER_CONTAINER = 4;
    private final java.util.concurrent.ConcurrentMap<String, java.util.Queue<LxcContainer>> readers =
            new java.util.concurrent.ConcurrentHashMap<>();
    /** The capabilities beyond the lifecycle (exec, files, ...), by their interface in module instance. */
    private final java.util.Map<Class<?>, Object> capabilities = new java.util.HashMap<>();
    /** Null when the host's cgroup mounts cannot be read: counters then come through liblxc. */
    private final CgroupFiles cgroupFiles;
    private final LxcStart lxcStart;

    /**
     * @param lxcpath the directory holding one directory per container (e.g. {@code $CORRAL_DIR/containers})
     * @param logRoot where logs go for specs without a log directory ({@code <logRoot>/<backendName>/})
     */
    public LxcDriver(Path lxcpath, Path logRoot) {
        this(lxcpath, logRoot, HostFacts.read());
    }

    LxcDriver(Path lxcpath, Path logRoot, HostFacts host) {
        this.lxcpath = lxcpath.toAbsolutePath().normalize();
        this.logRoot = logRoot.toAbsolutePath().normalize();
        this.configs = new LxcConfig(host, LxcContainer::isSupportedConfigKey);
        this.cgroupFiles = readCgroupFiles();
        // Capabilities: one line each, capabilities.put(Interface.class, implementation).
        capabilities.put(dev.corral.instance.Exec.class, new LxcExec(this.lxcpath));
        capabilities.put(dev.corral.instance.InstanceFiles.class, new LxcFiles());
        capabilities.put(dev.corral.instance.InstanceConsole.class, new LxcConsole(this.lxcpath, this::logDir));
        this.lxcStart = new LxcStart(this.lxcpath);
        try {
            LxcContainer.version();
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            throw new IllegalStateException("cannot load " + LibLxc.SONAME + " (install Debian package lxc): " + e, e);
        }
        try {
            Files.createDirectories(this.lxcpath);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create lxcpath " + this.lxcpath, e);
        }
    }

    @Override
    public InstanceType type() {
        return InstanceType.CONTAINER;
    }

    @Override
    public void create(InstanceSpec spec) {
        forgetReader(spec.ref());
        Path dir = containerDir(spec.ref());
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (FileAlreadyExistsException e) {
            throw new DriverException("an LXC container named " + spec.ref().backendName() + " already exists in "
                    + lxcpath);
        } catch (IOException e) {
            throw new DriverException("cannot create " + dir + ": " + e.getMessage(), e);
        }
        try {
            writeConfig(spec);
        } catch (RuntimeException e) {
            deleteTree(dir);
            throw e;
        }
    }

    @Override
    public void start(InstanceSpec spec) {
        try (LxcContainer c = open(spec.ref())) {
            if (!c.isDefined()) {
                throw notCreated(spec.ref());
            }
            if (c.isRunning()) {
                throw new DriverException("instance " + spec.ref().name() + " is already running");
            }
        }
        writeConfig(spec);
        Path logDir = logDir(spec);
        int exit = lxcStart.run(spec.ref().backendName(), logDir);
        // lxc-start returns once the container reached RUNNING (exit 0) or gave up (non-zero)
        try (LxcContainer c = open(spec.ref())) {
            if (exit != 0 || !c.isRunning()) {
                throw new DriverException("cannot start instance " + spec.ref().name() + " (lxc-start exit " + exit
                        + ")" + LxcStart.logs(logDir));
            }
        }
    }

    @Override
    public void stop(InstanceRef ref, boolean force, Duration timeout) {
        try (LxcContainer c = open(ref)) {
            if (!c.isRunning()) {
                return;
            }
            boolean graceful = !force && timeout != null && !timeout.isNegative() && !timeout.isZero();
            if (graceful) {
                if ("FROZEN".equals(c.state())) {
                    thaw(ref, c); // a frozen init cannot react to the halt signal
                }
                // The halt signal is sent again every couple of seconds: an init that has only just started may
                // not handle it yet, and a signal it does not handle is dropped (it is a namespace's init).
                long deadline = System.nanoTime() + timeout.toNanos();
                do {
                    long left = Math.max(1, (deadline - System.nanoTime() + 999_999_999) / 1_000_000_000);
                    if (c.shutdown((int) Math.min(HALT_RESEND_SECONDS, left)) || !c.isRunning()) {
                        return;
                    }
                } while (System.nanoTime() < deadline);
                // As Incus: a clean shutdown that does not happen in time fails and leaves the instance running.
                throw new DriverException("Failed shutting down instance, status is \"" + status(c.state())
                        .code().text() + "\"");
            }
            c.stop(); // SIGKILL to init through the monitor, which returns once init is gone
            if (!c.waitFor("STOPPED", STOP_WAIT_SECONDS)) {
                throw new DriverException("instance " + ref.name() + " did not stop within " + STOP_WAIT_SECONDS
                        + "s of being killed (state " + c.state() + ")");
            }
        }
    }

    @Override
    public void freeze(InstanceRef ref) {
        try (LxcContainer c = open(ref)) {
            requireRunning(ref, c);
            if (!"FROZEN".equals(c.state())) {
                settleFreezer(ref, c, "FROZEN");
                c.freeze();
            }
        }
    }

    @Override
    public void unfreeze(InstanceRef ref) {
        try (LxcContainer c = open(ref)) {
            requireRunning(ref, c);
            String state = c.state();
            if ("FROZEN".equals(state) || "FREEZING".equals(state)) {
                thaw(ref, c);
            }
        }
    }

    @Override
    public RuntimeState state(InstanceRef ref) {
        return withReader(ref, this::readState);
    }

    private RuntimeState readState(LxcContainer c) {
        if (!c.isDefined()) {
            return RuntimeState.stopped();
        }
        InstanceStatus status = status(c.state());
        int pid = c.initPid();
        if (status == InstanceStatus.STOPPED || pid <= 0) {
            return RuntimeState.stopped();
        }
        return new RuntimeState(status, pid,
                configs.hasController(Controller.PIDS) ? counter(c, pid, "pids.current") : -1,
                cpuNanos(c, pid),
                counter(c, pid, configs.memoryUsageKey()),
                counter(c, pid, configs.memoryPeakKey()),
                NetState.read(pid));
    }

    private static CgroupFiles readCgroupFiles() {
        try {
            return CgroupFiles.read();
        } catch (java.io.IOException e) {
            return null;
        }
    }

    /** Straight from the cgroup files when they can be found; through liblxc (the monitor) otherwise. */
    private String cgroupItem(LxcContainer c, long pid, String key) {
        String value = cgroupFiles == null ? null : cgroupFiles.read(pid, key);
        return value != null ? value : c.cgroupItem(key);
    }

    @Override
    public <T> java.util.Optional<T> capability(Class<T> type) {
        return java.util.Optional.ofNullable(type.cast(capabilities.get(type)));
    }

    @Override
    public InstanceStatus status(InstanceRef ref) {
        return withReader(ref, c -> c.isDefined() ? status(c.state()) : InstanceStatus.STOPPED);
    }

    /**
     * Runs a read (status, state) on a pooled handle of the container: opening a handle parses the config file,
     * which cost more than the read itself. A few handles per container let reads run in parallel (each handle
     * has its own lock); lifecycle calls keep their own short-lived handles, so a long shutdown never holds up a
     * read. The pool is dropped when the container is created, renamed or deleted.
     */
    private <T> T withReader(InstanceRef ref, java.util.function.Function<LxcContainer, T> read) {
        String name = checkedName(ref);
        java.util.Queue<LxcContainer> pool = readers.computeIfAbsent(name,
                n -> new java.util.concurrent.ConcurrentLinkedQueue<>());
        LxcContainer c = pool.poll();
        if (c == null) {
            c = LxcContainer.open(name, lxcpath);
        }
        try {
            T result = read.apply(c);
            if (pool.size() < READERS_PER_CONTAINER && readers.get(name) == pool) {
                pool.offer(c);
                c = null;
            }
            return result;
        } finally {
            if (c != null) {
                c.close();
            }
        }
    }

    private void forgetReader(InstanceRef ref) {
        java.util.Queue<LxcContainer> pool = readers.remove(ref.backendName());
        if (pool != null) {
            for (LxcContainer c = pool.poll(); c != null; c = pool.poll()) {
                c.close();
            }
        }
    }

    @Override
    public void update(InstanceSpec spec) {
        Path config = containerDir(spec.ref()).resolve("config");
        byte[] previous;
        try {
            previous = Files.readAllBytes(config);
        } catch (NoSuchFileException e) {
            throw notCreated(spec.ref());
        } catch (IOException e) {
            throw new DriverException("cannot read " + config + ": " + e.getMessage(), e);
        }
        LxcConfig.ResolvedLimits limits = configs.limits(spec);
        writeConfig(spec);
        Deque<Runnable> undo = new ArrayDeque<>();
        undo.push(() -> restore(config, previous));
        LxcContainer c = open(spec.ref());
        try {
            if (c.isRunning()) {
                if (configs.hasController(Controller.CPUSET)) {
                    setLive(c, "cpuset.cpus", limits.cpuset() == null ? configs.allCpus() : limits.cpuset(), undo);
                }
                if (configs.hasController(Controller.MEMORY)) {
                    setLive(c, configs.memoryLimitKey(), limits.memoryBytes() == null
                            ? configs.memoryUnlimited() : Long.toString(limits.memoryBytes()), undo);
                }
            }
        } catch (RuntimeException e) {
            while (!undo.isEmpty()) {
                try {
                    undo.pop().run();
                } catch (RuntimeException undoFailed) {
                    e.addSuppressed(undoFailed);
                }
            }
            throw e;
        } finally {
            c.close();
        }
    }

    @Override
    public void rename(InstanceSpec from, InstanceSpec to) {
        forgetReader(from.ref());
        forgetReader(to.ref());
        Path oldDir = containerDir(from.ref());
        Path newDir = containerDir(to.ref());
        try (LxcContainer c = open(from.ref())) {
            if (!c.isDefined()) {
                throw notCreated(from.ref());
            }
            if (c.isRunning()) {
                throw new DriverException("instance " + from.ref().name() + " must be stopped to be renamed");
            }
        }
        if (Files.exists(newDir, LinkOption.NOFOLLOW_LINKS)) {
            throw new DriverException("an LXC container named " + to.ref().backendName() + " already exists");
        }
        try {
            Files.move(oldDir, newDir, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new DriverException("cannot move " + oldDir + " to " + newDir + ": " + e.getMessage(), e);
        }
        try {
            writeConfig(to);
        } catch (RuntimeException e) {
            try {
                Files.move(newDir, oldDir, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException undo) {
                e.addSuppressed(undo);
            }
            throw e;
        }
        deleteLockFile(from.ref());
    }

    @Override
    public void delete(InstanceRef ref) {
        forgetReader(ref);
        try (LxcContainer c = open(ref)) {
            if (c.isRunning()) {
                throw new DriverException("instance " + ref.name() + " must be stopped to be deleted");
            }
        }
        deleteTree(containerDir(ref));
        deleteLockFile(ref);
    }

    @Override
    public List<String> running() {
        return LxcContainer.listActive(lxcpath);
    }

    /** The lxcpath this driver manages. */
    public Path lxcpath() {
        return lxcpath;
    }

    /** A cgroup file of a running instance, as liblxc reads it (for tests and diagnostics). */
    String cgroupItem(InstanceRef ref, String key) {
        try (LxcContainer c = open(ref)) {
            return c.cgroupItem(key);
        }
    }

    LxcConfig configs() {
        return configs;
    }

    // --- freezer

    private void thaw(InstanceRef ref, LxcContainer c) {
        settleFreezer(ref, c, "THAWED");
        c.unfreeze();
    }

    /**
     * On a v1 freezer liblxc writes {@code freezer.state} and then polls it with {@code sleep(1)}: a freeze that does
     * not complete at once costs a whole second (measured here: 1 in 5), one that never completes hangs for ever.
     * So the driver writes it and polls in milliseconds, bounded, first; liblxc's call then finds the state reached
     * and only tells the monitor (so that {@code state()} and {@code lxc-info} report it). On cgroup v2 liblxc waits
     * on {@code cgroup.events} and needs no help.
     */
    private void settleFreezer(InstanceRef ref, LxcContainer c, String target) {
        if (!configs.freezerV1()) {
            return;
        }
        c.setCgroupItem("freezer.state", target);
        long deadline = System.nanoTime() + FREEZE_TIMEOUT.toNanos();
        long nextWrite = System.nanoTime() + FREEZER_REWRITE.toNanos();
        long sleepMs = 1;
        while (!target.equals(c.cgroupItem("freezer.state"))) {
            // The v1 freezer tries each task once per write: a task that was busy (forking, in the kernel) at that
            // moment keeps the cgroup FREEZING until FROZEN is written again, as LXC and systemd do.
            if (System.nanoTime() > nextWrite) {
                c.setCgroupItem("freezer.state", target);
                nextWrite = System.nanoTime() + FREEZER_REWRITE.toNanos();
            }
            if (System.nanoTime() > deadline) {
                String blocked = blockedTasks(c);
                if (target.equals("FROZEN")) {
                    c.setCgroupItem("freezer.state", "THAWED"); // half frozen is worse than not frozen
                }
                throw new DriverException("instance " + ref.name() + " did not reach " + target + " within "
                        + FREEZE_TIMEOUT.toSeconds() + "s" + blocked);
            }
            try {
                Thread.sleep(sleepMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DriverException("interrupted while waiting for " + ref.name() + " to reach " + target, e);
            }
            sleepMs = Math.min(sleepMs * 2, 20);
        }
    }

    /** For a freezer that does not settle: what the container's tasks are blocked in ("pid comm wchan"). */
    private static String blockedTasks(LxcContainer c) {
        StringBuilder sb = new StringBuilder(" (tasks:");
        try {
            String[] tasks = c.cgroupItem("tasks").split("\n");
            for (int i = 0; i < Math.min(tasks.length, 10); i++) {
                Path proc = Path.of("/proc", tasks[i].trim());
                sb.append(' ').append(tasks[i].trim()).append(' ')
                        .append(Files.readString(proc.resolve("comm")).trim()).append(' ')
                        .append(Files.readString(proc.resolve("wchan")).trim()).append(';');
            }
        } catch (IOException | RuntimeException e) {
            sb.append(" unreadable: ").append(e.getMessage());
        }
        return sb.append(')').toString();
    }

    // --- helpers

    private LxcContainer open(InstanceRef ref) {
        return LxcContainer.open(checkedName(ref), lxcpath);
    }

    private Path containerDir(InstanceRef ref) {
        return lxcpath.resolve(checkedName(ref));
    }

    private static String checkedName(InstanceRef ref) {
        String n = ref.backendName();
        if (n.isEmpty() || n.equals(".") || n.equals("..") || n.indexOf('/') >= 0 || n.indexOf('\0') >= 0
                || n.indexOf('\n') >= 0) {
            throw new DriverException("invalid instance name: " + n);
        }
        return n;
    }

    private static DriverException notCreated(InstanceRef ref) {
        return new DriverException("instance " + ref.name() + " has no LXC container (not created?)");
    }

    private Path logDir(InstanceSpec spec) {
        Path dir = spec.logDir() != null ? spec.logDir() : logRoot.resolve(spec.ref().backendName());
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new DriverException("cannot create log directory " + dir + ": " + e.getMessage(), e);
        }
        return dir.toAbsolutePath();
    }

    /**
     * Writes config and seccomp profile atomically, then lets liblxc parse the result; if it does not parse, the
     * previous config is put back (so that the instance stays usable) and the call fails.
     */
    private void writeConfig(InstanceSpec spec) {
        Path dir = containerDir(spec.ref());
        if (!Files.isDirectory(dir)) {
            throw notCreated(spec.ref());
        }
        Path config = dir.resolve("config");
        Path seccomp = dir.resolve(LxcConfig.SECCOMP_FILE);
        String text = configs.render(spec, logDir(spec), seccomp);
        byte[] previous;
        try {
            previous = Files.exists(config) ? Files.readAllBytes(config) : null;
            writeAtomically(seccomp, LxcConfig.SECCOMP_PROFILE.getBytes(StandardCharsets.UTF_8));
            writeAtomically(config, text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new DriverException("cannot write the LXC config of " + spec.ref().name() + ": " + e.getMessage(), e);
        }
        try (LxcContainer c = open(spec.ref())) {
            if (!c.isDefined()) {
                throw new DriverException("liblxc does not see the config of " + spec.ref().name());
            }
        } catch (RuntimeException e) {
            try {
                if (previous != null) {
                    writeAtomically(config, previous);
                } else {
                    Files.deleteIfExists(config);
                }
            } catch (IOException undo) {
                e.addSuppressed(undo);
            }
            throw e;
        }
    }

    private static void writeAtomically(Path target, byte[] bytes) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.write(tmp, bytes);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static void restore(Path file, byte[] bytes) {
        try {
            writeAtomically(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot restore " + file, e);
        }
    }

    /** Sets a cgroup item of a running container, pushing the way back onto {@code undo}. */
    private static void setLive(LxcContainer c, String key, String value, Deque<Runnable> undo) {
        String before = c.cgroupItem(key);
        c.setCgroupItem(key, value);
        undo.push(() -> c.setCgroupItem(key, before));
    }

    private static void requireRunning(InstanceRef ref, LxcContainer c) {
        if (!c.isRunning()) {
            throw new DriverException("instance " + ref.name() + " is not running");
        }
    }

    private static InstanceStatus status(String lxcState) {
        return switch (lxcState) {
            case "RUNNING", "THAWED" -> InstanceStatus.RUNNING;
            case "STOPPED" -> InstanceStatus.STOPPED;
            case "STARTING" -> InstanceStatus.STARTING;
            case "STOPPING", "ABORTING" -> InstanceStatus.STOPPING;
            case "FREEZING" -> InstanceStatus.FREEZING;
            case "FROZEN" -> InstanceStatus.FROZEN;
            default -> InstanceStatus.ERROR;
        };
    }

    private long cpuNanos(LxcContainer c, long pid) {
        String key = configs.cpuUsageKey();
        if (!key.equals("cpu.stat")) {
            return counter(c, pid, key);
        }
        try {
            for (String line : cgroupItem(c, pid, key).split("\n")) {
                if (line.startsWith("usage_usec ")) {
                    return Long.parseLong(line.substring("usage_usec ".length()).trim()) * 1000;
                }
            }
        } catch (DriverException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /** A numeric cgroup file, -1 when it cannot be read (the container may stop while we read). */
    private long counter(LxcContainer c, long pid, String key) {
        try {
            return Long.parseLong(cgroupItem(c, pid, key).trim());
        } catch (DriverException | NumberFormatException e) {
            return -1;
        }
    }

    /** liblxc's lock file for a container, {@code /run/lxc/lock/<lxcpath>/.<name>}, which it never removes. */
    private void deleteLockFile(InstanceRef ref) {
        try {
            Files.deleteIfExists(LOCK_ROOT.resolve(lxcpath.toString().substring(1)).resolve("." + checkedName(ref)));
        } catch (IOException e) {
            // an empty leftover file in /run is harmless
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) { // does not follow symbolic links
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException | UncheckedIOException e) {
            throw new DriverException("cannot delete " + dir + ": " + e.getMessage(), e);
        }
    }

    /** liblxc's version ({@code 5.0.2}), for {@code GET /1.0}'s environment. */
    public static String liblxcVersion() {
        return LxcContainer.version();
    }
}
