package dev.corral.systests;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

/**
 * Removes the libvirt domains a test daemon left behind (it crashed, or a test did not delete its VMs): those named
 * with the daemon's prefix, {@code corral-<8 hex of its CORRAL_DIR>-}, as corrald names them. Never throws.
 */
final class VmCleanup {

    private static final Path VIRSH = Path.of("/usr/bin/virsh");

    private VmCleanup() {
    }

    static void destroyDomains(Path corralDir) {
        if (!Files.isExecutable(VIRSH) || !Files.exists(Path.of("/run/libvirt/libvirt-sock"))) {
            return;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(corralDir.toString().getBytes(StandardCharsets.UTF_8));
            String prefix = "corral-" + HexFormat.of().formatHex(digest, 0, 4) + "-";
            for (String name : virsh("list", "--all", "--name").split("\n")) {
                if (name.trim().startsWith(prefix)) {
                    virsh("destroy", name.trim());
                    virsh("undefine", "--keep-nvram", name.trim());
                    System.err.println("VM domain " + name.trim() + " was left behind by the daemon: removed it");
                }
            }
        } catch (Exception e) {
            System.err.println("cannot clean up the VM domains of " + corralDir + ": " + e);
        }
    }

    private static String virsh(String... args) throws IOException, InterruptedException {
        String[] command = new String[args.length + 3];
        command[0] = VIRSH.toString();
        command[1] = "-c";
        command[2] = "qemu:///system";
        System.arraycopy(args, 0, command, 3, args.length);
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        return out;
    }
}
