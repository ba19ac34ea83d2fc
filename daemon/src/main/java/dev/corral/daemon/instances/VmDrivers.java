package dev.corral.daemon.instances;

import dev.corral.container.lxc.LxcDriver;
import dev.corral.hypervisor.kvm.Accelerators;
import dev.corral.hypervisor.kvm.LibvirtDriver;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The virtual-machine driver as corrald runs it: libvirt on {@code qemu:///system}, set up from the daemon's state. */
public final class VmDrivers {

    private static final Logger LOG = LoggerFactory.getLogger(VmDrivers.class);
    /** The server configuration key that forces an accelerator ({@code auto}, {@code kvm}, {@code tcg}). */
    public static final String ACCELERATOR_KEY = "corral.vm.accelerator";
    private static final Path DEFAULT_DIR = Path.of("/var/lib/corral");

    private VmDrivers() {
    }

    /**
     * The libvirt driver for the daemon on {@code dir}. Domains are named {@code corral-<instance>} for the default
     * directory and {@code corral-<8 hex of the directory>-<instance>} for others, so that several daemons (tests)
     * can share one libvirtd. The accelerator follows {@code corral.vm.accelerator} at each start.
     */
    public static LibvirtDriver libvirt(Path dir, Supplier<Map<String, String>> serverConfig) {
        String prefix = dir.equals(DEFAULT_DIR) ? "corral-" : "corral-" + shortHash(dir.toString()) + "-";
        return new LibvirtDriver(LibvirtDriver.Options.system(prefix, () -> {
            try {
                return Accelerators.choose(serverConfig.get().get(ACCELERATOR_KEY));
            } catch (IllegalArgumentException e) {
                return Accelerators.choose("auto");
            }
        }));
    }

    /**
     * {@code environment.driver} and {@code driver_version} as Incus shows them ({@code lxc | qemu},
     * {@code 5.0.2 | 10.0.2}). QEMU's version is read from libvirt in the background (never on an event loop):
     * until libvirt has answered, only {@code lxc} is listed.
     */
    public static Supplier<String[]> environment(LibvirtDriver vms) {
        String lxc = lxcVersion();
        String[] current = {"lxc", lxc};
        Object lock = new Object();
        Thread probe = new Thread(() -> {
            while (true) {
                try {
                    String qemu = vms.hypervisorVersion();
                    synchronized (lock) {
                        current[0] = "lxc | qemu";
                        current[1] = lxc + " | " + qemu;
                    }
                    return;
                } catch (RuntimeException e) {
                    LOG.warn("virtual machines are unavailable until libvirt answers: {}", e.getMessage());
                }
                try {
                    Thread.sleep(10_000);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "corral-libvirt-probe");
        probe.setDaemon(true);
        probe.start();
        return () -> {
            synchronized (lock) {
                return current.clone();
            }
        };
    }

    private static String lxcVersion() {
        try {
            return LxcDriver.liblxcVersion();
        } catch (RuntimeException | LinkageError e) {
            return "";
        }
    }

    private static String shortHash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
