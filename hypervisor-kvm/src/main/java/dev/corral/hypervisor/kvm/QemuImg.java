package dev.corral.hypervisor.kvm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corral.instance.DriverException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Disk images through {@code qemu-img} (a child process; call from worker threads). */
final class QemuImg {

    private static final ObjectMapper JSON = new ObjectMapper();

    private QemuImg() {
    }

    /** The disk's virtual size in bytes. */
    static long virtualSize(Path disk) {
        JsonNode info;
        try {
            info = JSON.readTree(run("qemu-img", "info", "-U", "--output=json", disk.toString()));
        } catch (IOException e) {
            throw new DriverException("cannot read qemu-img's answer about " + disk + ": " + e.getMessage(), e);
        }
        return info.path("virtual-size").asLong(-1);
    }

    /** A new empty qcow2 disk of {@code bytes}. */
    static void create(Path disk, long bytes) {
        run("qemu-img", "create", "-q", "-f", "qcow2", disk.toString(), Long.toString(bytes));
    }

    /** Grows the qcow2 {@code disk} to {@code bytes} (never shrinks). */
    static void grow(Path disk, long bytes) {
        if (virtualSize(disk) < bytes) {
            run("qemu-img", "resize", "-q", "-f", "qcow2", disk.toString(), Long.toString(bytes));
        }
    }

    private static String run(String... command) {
        List<String> argv = new ArrayList<>(List.of(command));
        try {
            Process process = new ProcessBuilder(argv).redirectErrorStream(true).start();
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int status = process.waitFor();
            if (status != 0) {
                throw new DriverException(String.join(" ", argv) + " failed (" + status + "): " + output.trim());
            }
            return output;
        } catch (IOException e) {
            throw new DriverException("cannot run " + argv.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DriverException("interrupted while running " + argv.get(0), e);
        }
    }
}
