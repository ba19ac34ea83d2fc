package dev.corral.systests;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** What the VM system tests share: a CLI on a daemon that reaches libvirt, and waiting for a guest to boot. */
final class VmGuests {

    /** How long a busybox-vm may take from start to a working guest agent (firmware + kernel under TCG, loaded). */
    static final Duration BOOT = Duration.ofMinutes(4);

    private VmGuests() {
    }

    /**
     * The {@code incus} CLI on {@code corrald}, once the daemon lists the qemu driver; the test is skipped where
     * libvirtd does not run or the daemon has no built-in VM image.
     */
    static IncusCli cli(Corrald corrald) throws Exception {
        corrald.assumeCorrald("needs the built-in busybox-vm image and libvirt");
        assumeTrue(Files.exists(Path.of("/run/libvirt/libvirt-sock")),
                "libvirtd is not running (scripts/start-libvirt.sh starts it)");
        IncusCli incus = IncusCli.incus(corrald);
        String info = incus.run("info").assertSuccess().stdout();
        // The daemon lists qemu once libvirt has answered it (in the background, at start).
        for (long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                !info.contains("qemu") && System.nanoTime() - end < 0; ) {
            Thread.sleep(200);
            info = incus.run("info").assertSuccess().stdout();
        }
        assumeTrue(info.contains("driver: lxc | qemu"), "the daemon does not reach libvirt: " + info);
        return incus;
    }

    /** Polls a harmless exec until the guest agent answers (the guest has booted). */
    static void awaitAgent(IncusCli incus, String name) throws Exception {
        long end = System.nanoTime() + BOOT.toNanos();
        IncusCli.Result last = null;
        while (System.nanoTime() - end < 0) {
            last = incus.run("exec", name, "--", "true");
            if (last.exitCode() == 0) {
                return;
            }
            Thread.sleep(1000);
        }
        throw new AssertionError("the guest agent of " + name + " never answered: " + last);
    }
}
