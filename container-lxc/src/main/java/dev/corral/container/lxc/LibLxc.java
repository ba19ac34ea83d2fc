package dev.corral.container.lxc;

import com.sun.jna.Callback;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.PointerType;
import com.sun.jna.Structure;
import com.sun.jna.ptr.PointerByReference;
import java.util.Map;

/**
 * Raw JNA mappings of liblxc 5.0 ({@code /usr/include/lxc/lxccontainer.h}). Nothing here checks a return code or
 * owns a pointer: {@link LxcContainer} does, and is the only user of this class.
 *
 * <p>liblxc exports almost nothing as plain functions; the container API is a table of function pointers inside
 * {@code struct lxc_container}, mapped below field by field in the header's order. Fields we never call stay
 * {@link Pointer}s. {@code start}/{@code startl} in particular stay uncallable: starting inside the JVM moves the
 * JVM into the container's monitor cgroup and keeps a forked JVM as monitor (DESIGN §4); {@code lxc-start} does it.
 *
 * <p>C {@code bool} is one byte: it is mapped to {@code byte} (JNA's {@code boolean} is a 4-byte int, wrong both in
 * a struct and as a return value, whose upper bytes are undefined).
 */
final class LibLxc {

    private LibLxc() {
    }

    /** The soname of the ABI mapped here (Debian 12: liblxc1 5.0.2). */
    static final String SONAME = "liblxc.so.1";

    /** {@code struct lxc_container *}, as returned by {@code lxc_container_new}. */
    public static final class ContainerPointer extends PointerType {
        public ContainerPointer() {
        }

        public ContainerPointer(Pointer p) {
            super(p);
        }
    }

    /** The exported functions, and the signatures of the function pointers in {@link lxc_container}. */
    interface Lib extends Library {

        Lib INSTANCE = Native.load(SONAME, Lib.class, Map.of(Library.OPTION_STRING_ENCODING, "UTF-8"));

        /** Null on allocation failure or when an existing config file does not parse. */
        ContainerPointer lxc_container_new(String name, String configpath);

        /** Drops a reference: 1 when the container was freed, 0 when references remain, -1 on error. */
        int lxc_container_put(ContainerPointer c);

        /** Fills {@code names} with a malloc'd {@code char**} of running containers; returns their count or -1. */
        int list_active_containers(String lxcpath, PointerByReference names, Pointer cret);

        String lxc_get_version();

        /** Whether this liblxc knows config key {@code key} (namespaced keys such as lxc.cgroup.* included). */
        byte lxc_config_item_is_supported(String key);

        /** {@code bool (*)(struct lxc_container *)}: is_defined, is_running, freeze, unfreeze, stop. */
        interface BoolFn extends Callback {
            byte invoke(ContainerPointer c);
        }

        /** {@code const char *(*state)(struct lxc_container *)}: a static string, never freed. */
        interface StateFn extends Callback {
            String invoke(ContainerPointer c);
        }

        /** {@code pid_t (*init_pid)(struct lxc_container *)}. */
        interface IntFn extends Callback {
            int invoke(ContainerPointer c);
        }

        /** {@code bool (*wait)(struct lxc_container *, const char *state, int timeout)}. */
        interface WaitFn extends Callback {
            byte invoke(ContainerPointer c, String state, int timeoutSeconds);
        }

        /** {@code bool (*shutdown)(struct lxc_container *, int timeout)}. */
        interface ShutdownFn extends Callback {
            byte invoke(ContainerPointer c, int timeoutSeconds);
        }

        /** {@code int (*get_cgroup_item)(struct lxc_container *, const char *, char *retv, int inlen)}. */
        interface GetItemFn extends Callback {
            int invoke(ContainerPointer c, String key, byte[] retv, int inlen);
        }

        /** {@code bool (*set_cgroup_item)(struct lxc_container *, const char *, const char *)}. */
        interface SetItemFn extends Callback {
            byte invoke(ContainerPointer c, String key, String value);
        }

        /** {@code char **(*get_ips)(struct lxc_container *, const char *iface, const char *family, int scope)}. */
        interface GetIpsFn extends Callback {
            Pointer invoke(ContainerPointer c, String iface, String family, int scope);
        }

        /**
         * {@code int (*console_getfd)(struct lxc_container *, int *ttynum, int *ptxfd)}: a command to the monitor
         * (no fork), which hands over the controlling end of a terminal proxied to the console (ttynum 0). Returns
         * the command socket, which holds the console until it is closed, or -1.
         */
        interface ConsoleGetFdFn extends Callback {
            int invoke(ContainerPointer c, int[] ttynum, int[] ptxfd);
        }

        /**
         * {@code int (*console_log)(struct lxc_container *, struct lxc_console_log *)}: reads and/or clears the
         * monitor's console ring buffer (a command to the monitor, no fork); 0 or a negative errno.
         */
        interface ConsoleLogFn extends Callback {
            int invoke(ContainerPointer c, Pointer log);
        }
    }

    /**
     * {@code struct lxc_console_log} (x86-64, arm64): {@code bool clear} at 0, {@code bool read} at 1, {@code
     * uint64_t *read_max} at 8, {@code char *data} (malloc'd by liblxc, the caller frees it) at 16.
     */
    static final int CONSOLE_LOG_SIZE = 24;
    static final int CONSOLE_LOG_CLEAR = 0;
    static final int CONSOLE_LOG_READ = 1;
    static final int CONSOLE_LOG_READ_MAX = 8;
    static final int CONSOLE_LOG_DATA = 16;

    /** {@code struct lxc_container} of liblxc 5.0, all fields in the header's order (568 bytes on x86-64). */
    @Structure.FieldOrder({
        "name", "configfile", "pidfile", "slock", "privlock", "numthreads", "lxc_conf",
        "error_string", "error_num", "daemonize", "config_path",
        "is_defined", "state", "is_running", "freeze", "unfreeze", "init_pid", "load_config", "start", "startl",
        "stop", "want_daemonize", "want_close_all_fds", "config_file_name", "wait", "set_config_item", "destroy",
        "save_config", "create", "createl", "rename", "reboot", "shutdown", "clear_config", "clear_config_item",
        "get_config_item", "get_running_config_item", "get_keys", "get_interfaces", "get_ips", "get_cgroup_item",
        "set_cgroup_item", "get_config_path", "set_config_path", "clone", "console_getfd", "console", "attach",
        "attach_run_wait", "attach_run_waitl", "snapshot", "snapshot_list", "snapshot_restore", "snapshot_destroy",
        "may_control", "add_device_node", "remove_device_node", "attach_interface", "detach_interface",
        "checkpoint", "restore", "destroy_with_snapshots", "snapshot_destroy_all", "migrate", "console_log",
        "reboot2", "mount", "umount", "seccomp_notify_fd", "seccomp_notify_fd_active", "init_pidfd", "devpts_fd"
    })
    @SuppressWarnings({"checkstyle:MemberName", "unused"})
    public static final class lxc_container extends Structure {
        // private fields
        public Pointer name;
        public Pointer configfile;
        public Pointer pidfile;
        public Pointer slock;
        public Pointer privlock;
        public int numthreads;
        public Pointer lxc_conf;
        // public fields
        public String error_string;
        public int error_num;
        public byte daemonize;
        public Pointer config_path;
        // the API
        public Lib.BoolFn is_defined;
        public Lib.StateFn state;
        public Lib.BoolFn is_running;
        public Lib.BoolFn freeze;
        public Lib.BoolFn unfreeze;
        public Lib.IntFn init_pid;
        public Pointer load_config;
        public Pointer start;
        public Pointer startl;
        public Lib.BoolFn stop;
        public Pointer want_daemonize;
        public Pointer want_close_all_fds;
        public Pointer config_file_name;
        public Lib.WaitFn wait;
        public Pointer set_config_item;
        public Pointer destroy;
        public Pointer save_config;
        public Pointer create;
        public Pointer createl;
        public Pointer rename;
        public Pointer reboot;
        public Lib.ShutdownFn shutdown;
        public Pointer clear_config;
        public Pointer clear_config_item;
        public Pointer get_config_item;
        public Pointer get_running_config_item;
        public Pointer get_keys;
        public Pointer get_interfaces;
        public Lib.GetIpsFn get_ips;
        public Lib.GetItemFn get_cgroup_item;
        public Lib.SetItemFn set_cgroup_item;
        public Pointer get_config_path;
        public Pointer set_config_path;
        public Pointer clone;
        public Lib.ConsoleGetFdFn console_getfd;
        public Pointer console;
        public Pointer attach;
        public Pointer attach_run_wait;
        public Pointer attach_run_waitl;
        public Pointer snapshot;
        public Pointer snapshot_list;
        public Pointer snapshot_restore;
        public Pointer snapshot_destroy;
        public Pointer may_control;
        public Pointer add_device_node;
        public Pointer remove_device_node;
        public Pointer attach_interface;
        public Pointer detach_interface;
        public Pointer checkpoint;
        public Pointer restore;
        public Pointer destroy_with_snapshots;
        public Pointer snapshot_destroy_all;
        public Pointer migrate;
        public Lib.ConsoleLogFn console_log;
        public Pointer reboot2;
        public Pointer mount;
        public Pointer umount;
        public Pointer seccomp_notify_fd;
        public Pointer seccomp_notify_fd_active;
        public Pointer init_pidfd;
        public Pointer devpts_fd;

        /** For layout checks only. */
        public lxc_container() {
        }

        /** A view of the struct at {@code p}, read once (the function table never changes). */
        lxc_container(Pointer p) {
            super(p);
            setStringEncoding("UTF-8");
            read();
        }

        /** Field offset, for the layout test. */
        int offsetOf(String field) {
            return fieldOffset(field);
        }
    }
}
