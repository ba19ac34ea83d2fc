package dev.corral.container.lxc;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import dev.corral.container.lxc.LibLxc.ContainerPointer;
import dev.corral.container.lxc.LibLxc.Lib;
import dev.corral.container.lxc.LibLxc.lxc_container;
import dev.corral.instance.DriverException;
import java.lang.ref.Cleaner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One reference to a liblxc {@code struct lxc_container}: the typed face of {@link LibLxc}. Every failure becomes a
 * {@link DriverException} here, so nothing native leaks out of this class.
 *
 * <p>Lifetime: {@link #open} takes a reference, {@link #close} drops it ({@code lxc_container_put}); a {@link
 * Cleaner} drops it if a handle is forgotten. Handles are cheap (one config parse) and meant to be short-lived: open,
 * do one operation, close.
 *
 * <p>Threading: all methods are synchronized on the handle (one lock per native object). liblxc itself serialises
 * operations on the same container across handles and processes with its own locks.
 */
final class LxcContainer implements AutoCloseable {

    private static final Cleaner CLEANER = Cleaner.create(r -> {
        Thread t = new Thread(r, "lxc-handle-cleaner");
        t.setDaemon(true);
        return t;
    });

    private final String name;
    private final ContainerPointer pointer;
    private final lxc_container api;
    private final Cleaner.Cleanable cleanable;
    private boolean closed;

    private LxcContainer(String name, ContainerPointer pointer) {
        this.name = name;
        this.pointer = pointer;
        this.api = new lxc_container(pointer.getPointer());
        this.cleanable = CLEANER.register(this, new Put(pointer));
    }

    /** Drops the reference; holds only the pointer, never the handle. */
    private record Put(ContainerPointer pointer) implements Runnable {
        @Override
        public void run() {
            Lib.INSTANCE.lxc_container_put(pointer);
        }
    }

    /**
     * Opens container {@code name} under {@code lxcpath} (absolute). The container need not exist ({@link
     * #isDefined}); if its config file exists it must parse.
     */
    static LxcContainer open(String name, Path lxcpath) {
        ContainerPointer p = Lib.INSTANCE.lxc_container_new(name, absolute(lxcpath));
        if (p == null) {
            throw new DriverException("liblxc could not load container " + name + " (invalid configuration in "
                    + lxcpath.resolve(name).resolve("config") + "?)");
        }
        try {
            return new LxcContainer(name, p);
        } catch (RuntimeException | Error e) {
            Lib.INSTANCE.lxc_container_put(p);
            throw e;
        }
    }

    /** The names of the containers under {@code lxcpath} that run now. */
    static List<String> listActive(Path lxcpath) {
        PointerByReference namesRef = new PointerByReference();
        int n = Lib.INSTANCE.list_active_containers(absolute(lxcpath), namesRef, null);
        if (n < 0) {
            throw new DriverException("liblxc could not list the running containers of " + lxcpath);
        }
        return takeStrings(namesRef.getValue(), n);
    }

    static boolean isSupportedConfigKey(String key) {
        return ok(Lib.INSTANCE.lxc_config_item_is_supported(key));
    }

    static String version() {
        return Lib.INSTANCE.lxc_get_version();
    }

    String name() {
        return name;
    }

    synchronized boolean isDefined() {
        return ok(live().is_defined.invoke(pointer));
    }

    synchronized boolean isRunning() {
        return ok(live().is_running.invoke(pointer));
    }

    /** One of STOPPED STARTING RUNNING STOPPING ABORTING FREEZING FROZEN THAWED. */
    synchronized String state() {
        String s = live().state.invoke(pointer);
        if (s == null) {
            throw failure("read the state of");
        }
        return s;
    }

    /** The init process's pid on the host, or -1 when not running. */
    synchronized int initPid() {
        int pid = live().init_pid.invoke(pointer);
        return pid > 0 ? pid : -1;
    }

    synchronized void freeze() {
        if (!ok(live().freeze.invoke(pointer))) {
            throw failure("freeze");
        }
    }

    synchronized void unfreeze() {
        if (!ok(live().unfreeze.invoke(pointer))) {
            throw failure("unfreeze");
        }
    }

    /** Kills the container; returns when the monitor has closed the command connection (the container is gone). */
    synchronized void stop() {
        if (!ok(live().stop.invoke(pointer))) {
            throw failure("stop");
        }
    }

    /**
     * Sends the halt signal ({@code lxc.signal.halt}, default SIGPWR) to init and waits up to {@code seconds}
     * (0: do not wait); true if it stopped in time.
     */
    synchronized boolean shutdown(int seconds) {
        return ok(live().shutdown.invoke(pointer, seconds));
    }

    /** Waits up to {@code seconds} for {@code state}; true if reached. */
    synchronized boolean waitFor(String state, int seconds) {
        return ok(live().wait.invoke(pointer, state, seconds));
    }

    /** A cgroup file of the running container, e.g. {@code memory.usage_in_bytes}; trailing newline removed. */
    synchronized String cgroupItem(String key) {
        byte[] buf = new byte[4096];
        while (true) {
            int n = live().get_cgroup_item.invoke(pointer, key, buf, buf.length);
            if (n < 0) {
                throw failure("read cgroup item " + key + " of");
            }
            if (n < buf.length) {
                return new String(buf, 0, n, StandardCharsets.UTF_8).strip();
            }
            buf = new byte[Math.max(n + 1, buf.length * 2)]; // a full buffer may be a truncated read
        }
    }

    synchronized void setCgroupItem(String key, String value) {
        if (!ok(live().set_cgroup_item.invoke(pointer, key, value))) {
            throw failure("set cgroup item " + key + "=" + value + " of");
        }
    }

    /**
     * The addresses of one interface ({@code iface} null: all but {@code lo}), {@code family} "inet", "inet6" or
     * null for both. IPv6 addresses are filtered by {@code scopeId} (0: global and host scope).
     *
     * <p>Not used for {@code state}: liblxc forks the calling process (the whole JVM, about 4 ms) to enter the
     * container's network namespace; {@link NetlinkRoute} reads the same without forking.
     */
    synchronized List<String> ips(String iface, String family, int scopeId) {
        Pointer array = live().get_ips.invoke(pointer, iface, family, scopeId);
        if (array == null) {
            return List.of(); // liblxc returns NULL both for "none" and for failures
        }
        return takeStrings(array, -1);
    }

    /** An attached console: the command socket that holds it, and the controlling end of its terminal. */
    record ConsoleFds(int socket, int ptx) {
    }

    /**
     * Attaches to the console (tty 0) of the running container: liblxc asks the monitor over its command socket
     * (nothing forks) for a terminal it proxies to the console. The caller owns both descriptors and must close
     * them; closing the socket frees the console for the next client. Fails when another client holds it.
     */
    synchronized ConsoleFds consoleGetFd() {
        int[] ttynum = {0};
        int[] ptx = {-1};
        int socket = live().console_getfd.invoke(pointer, ttynum, ptx);
        if (socket < 0 || ptx[0] < 0) {
            LxcExecNative.close(socket);
            LxcExecNative.close(ptx[0]);
            throw new DriverException("cannot attach to the console of container " + name
                    + " (it does not run, or another client holds its console)");
        }
        return new ConsoleFds(socket, ptx[0]);
    }

    private static final int ENOENT = 2;
    private static final int EFAULT = 14;
    private static final int ENODATA = 61;

    /**
     * The monitor's console ring buffer: with {@code read}, its contents (which the read consumes, as liblxc
     * moves its read position); with {@code clear}, emptied. Empty when there is nothing to read or the container
     * keeps no buffer.
     */
    synchronized byte[] consoleLog(boolean read, boolean clear) {
        Memory log = new Memory(LibLxc.CONSOLE_LOG_SIZE);
        log.clear();
        Memory readMax = new Memory(Long.BYTES);
        readMax.setLong(0, 0);
        log.setByte(LibLxc.CONSOLE_LOG_CLEAR, (byte) (clear ? 1 : 0));
        log.setByte(LibLxc.CONSOLE_LOG_READ, (byte) (read ? 1 : 0));
        log.setPointer(LibLxc.CONSOLE_LOG_READ_MAX, readMax);
        int ret = live().console_log.invoke(pointer, log);
        Pointer data = log.getPointer(LibLxc.CONSOLE_LOG_DATA);
        try {
            if (ret == -ENODATA || ret == -EFAULT || ret == -ENOENT) {
                return new byte[0];
            }
            if (ret < 0) {
                throw new DriverException("liblxc could not read the console log of container " + name + ": errno "
                        + -ret);
            }
            long n = readMax.getLong(0);
            return data == null || n <= 0 ? new byte[0] : data.getByteArray(0, (int) Math.min(n, Integer.MAX_VALUE));
        } finally {
            if (data != null) {
                Native.free(Pointer.nativeValue(data));
            }
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        cleanable.clean();
    }

    private lxc_container live() {
        if (closed) {
            throw new IllegalStateException("lxc container handle " + name + " is closed");
        }
        return api;
    }

    private DriverException failure(String what) {
        api.readField("error_string");
        String detail = api.error_string == null ? "" : ": " + api.error_string;
        return new DriverException("liblxc could not " + what + " container " + name + detail);
    }

    private static boolean ok(byte cBool) {
        return cBool != 0;
    }

    /** Copies and frees a malloc'd {@code char **} of {@code n} strings, or NULL-terminated when n < 0. */
    private static List<String> takeStrings(Pointer array, int n) {
        List<String> out = new ArrayList<>();
        if (array == null) {
            return out;
        }
        try {
            for (int i = 0; n < 0 || i < n; i++) {
                Pointer s = array.getPointer((long) i * Native.POINTER_SIZE);
                if (s == null) {
                    break;
                }
                out.add(s.getString(0, "UTF-8"));
                Native.free(Pointer.nativeValue(s));
            }
        } finally {
            Native.free(Pointer.nativeValue(array));
        }
        return out;
    }

    private static String absolute(Path lxcpath) {
        if (!lxcpath.isAbsolute()) {
            throw new IllegalArgumentException("lxcpath must be absolute: " + lxcpath);
        }
        return lxcpath.toString();
    }
}
