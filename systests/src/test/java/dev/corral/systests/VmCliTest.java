package dev.corral.systests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Virtual machines through the real {@code incus} 6.0 CLI: {@code launch --vm} of the built-in busybox-vm image,
 * list, the console log, exec and files (push, pull, create, delete) through the guest agent, pause/start, graceful and forced stop, a poweroff inside
 * the guest, delete, and Incus-style errors for bad input. Real VMs on libvirt (TCG unless the host has KVM);
 * skipped where libvirtd does not run.
 */
class VmCliTest {

    @RegisterExtension
    static final Corrald corrald = Corrald.create();

    private static final Duration BOOT = VmGuests.BOOT;

    private static IncusCli incus;
    private final List<String> made = new ArrayList<>();

    @BeforeAll
    static void cli() throws Exception {
        incus = VmGuests.cli(corrald);
    }

    @AfterAll
    static void closeCli() {
        if (incus != null) {
            incus.close();
        }
    }

    @AfterEach
    void cleanup() throws Exception {
        for (String name : made) {
            incus.run("delete", "--force", name);
        }
    }

    private String name(String prefix) {
        String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        made.add(name);
        return name;
    }

    private String status(String name) throws Exception {
        return incus.run("list", name, "--columns=ns", "--format=csv").assertSuccess().stdout().trim();
    }

    private void awaitAgent(String name) throws Exception {
        VmGuests.awaitAgent(incus, name);
    }

    private void awaitStatus(String name, String status) throws Exception {
        long end = System.nanoTime() + BOOT.toNanos();
        while (!status(name).equals(name + "," + status) && System.nanoTime() - end < 0) {
            Thread.sleep(500);
        }
        assertEquals(name + "," + status, status(name));
    }

    /** Runs {@code shell} (a pipeline into the incus CLI) against the daemon; returns its standard output. */
    private static String pipedExec(String shell) throws Exception {
        Path conf = Files.createTempDirectory("corral-cli-pipe-");
        try {
            ProcessBuilder pb = new ProcessBuilder("sh", "-c", shell)
                    .redirectError(conf.resolve("stderr").toFile());
            pb.environment().put("INCUS_DIR", corrald.dir().toString());
            pb.environment().put("INCUS_CONF", conf.toString());
            Process p = pb.start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertEquals(0, p.waitFor(), () -> shell + ": " + out + readQuietly(conf.resolve("stderr")));
            return out;
        } finally {
            Corrald.deleteRecursively(conf);
        }
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return "(" + e + ")";
        }
    }

    @Test
    void launchExecPauseStopDelete() throws Exception {
        String name = name("vm");
        incus.run(Duration.ofMinutes(3), "launch", "--vm", "busybox-vm", name).assertSuccess();
        assertEquals(name + ",RUNNING,VIRTUAL-MACHINE", incus.run("list", name, "--columns=nst", "--format=csv")
                .assertSuccess().stdout().trim());
        String info = incus.run("info", name).assertSuccess().stdout();
        assertTrue(info.contains("Type: virtual-machine"), info);
        assertTrue(info.matches("(?s).*PID: [1-9][0-9]*.*"), "the QEMU process's pid in: " + info);

        awaitAgent(name);
        // The serial console's log (virtlogd's file): firmware, kernel and init output since the start.
        String console = incus.run("console", name, "--show-log").assertSuccess().stdout();
        assertTrue(console.contains("busybox-vm: up"), "the boot in the console log: " + console);
        assertEquals("Linux", incus.run("exec", name, "--", "uname", "-s").assertSuccess().stdout().trim());
        assertEquals(7, incus.run("exec", name, "--", "sh", "-c", "exit 7").exitCode());
        assertEquals(127, incus.run("exec", name, "--", "no-such-command").exitCode());
        assertEquals("/etc", incus.run("exec", name, "--cwd", "/etc", "--", "pwd").assertSuccess().stdout().trim());
        assertEquals("bar", incus.run("exec", name, "--env", "FOO=bar", "--", "sh", "-c", "echo $FOO")
                .assertSuccess().stdout().trim());
        assertEquals("piped into a VM", pipedExec("printf 'piped into a VM' | incus exec " + name + " -- cat"));
        IncusCli.Result stderr = incus.run("exec", name, "--", "sh", "-c", "echo oops >&2; exit 3");
        assertEquals(3, stderr.exitCode());
        assertTrue(stderr.stderr().contains("oops"), stderr.toString());

        Path local = Files.createTempFile("corral-vm-push-", ".txt");
        Path back = local.resolveSibling(local.getFileName() + ".back");
        try {
            Files.writeString(local, "pushed into a VM\n");
            incus.run("file", "push", local.toString(), name + "/root/pushed.txt").assertSuccess();
            assertEquals("pushed into a VM", incus.run("exec", name, "--", "cat", "/root/pushed.txt")
                    .assertSuccess().stdout().trim());
            incus.run("file", "pull", name + "/root/pushed.txt", back.toString()).assertSuccess();
            assertEquals("pushed into a VM\n", Files.readString(back));
            assertEquals("busybox-vm", incus.run("file", "pull", name + "/etc/hostname", "-").assertSuccess()
                    .stdout().trim());
            incus.run("file", "create", "-p", name + "/root/made/deep/").assertSuccess();
            assertEquals(0, incus.run("exec", name, "--", "test", "-d", "/root/made/deep").exitCode());
            incus.run("file", "delete", name + "/root/pushed.txt").assertSuccess();
            assertNotEquals(0, incus.run("exec", name, "--", "test", "-e", "/root/pushed.txt").exitCode());
        } finally {
            Files.deleteIfExists(local);
            Files.deleteIfExists(back);
        }

        incus.run("pause", name).assertSuccess();
        assertEquals(name + ",FROZEN", status(name));
        incus.run("start", name).assertSuccess();
        assertEquals(name + ",RUNNING", status(name));

        incus.run(Duration.ofMinutes(3), "stop", name).assertSuccess();
        assertEquals(name + ",STOPPED", status(name));
        incus.run(Duration.ofMinutes(3), "start", name).assertSuccess();
        assertEquals(name + ",RUNNING", status(name));
        incus.run("stop", "--force", name).assertSuccess();
        assertEquals(name + ",STOPPED", status(name));

        incus.run("delete", name).assertSuccess();
        assertEquals("", incus.run("list", name, "--format=csv").assertSuccess().stdout().trim());
    }

    @Test
    void poweroffInsideShowsStopped() throws Exception {
        String name = name("vmoff");
        incus.run(Duration.ofMinutes(3), "launch", "--vm", "busybox-vm", name).assertSuccess();
        awaitAgent(name);
        try (Events events = Events.connect(corrald, "type=lifecycle")) {
            // The agent goes down with the guest: the exec itself may report that.
            incus.run("exec", name, "--", "poweroff");
            awaitStatus(name, "STOPPED");
            // libvirt's event makes the daemon look at once; a daemon that only polled would still pass, in 2 s
            events.await(Containers.lifecycle("instance-shutdown", name), Duration.ofSeconds(10));
        }
        incus.run(Duration.ofMinutes(3), "start", name).assertSuccess();
        assertEquals(name + ",RUNNING", status(name));
    }

    /** {@code incus console} on a VM's serial port in a real terminal (tmux): Enter, type, see, detach. */
    @Test
    void consoleInATerminal() throws Exception {
        assumeTrue(Tmux.available(), "needs tmux (apt-get install tmux)");
        String name = name("vmcon");
        incus.run(Duration.ofMinutes(3), "launch", "--vm", "busybox-vm", name).assertSuccess();
        awaitAgent(name);
        Path home = Files.createTempDirectory("corral-vm-tmux-");
        try (Tmux tmux = new Tmux(corrald, home, 100, 30,
                IncusCli.INCUS + " console " + name + "; echo EXITED=$?; sleep 600")) {
            tmux.await("To detach from the console, press: <ctrl>\\+a q");
            long deadline = System.nanoTime() + BOOT.toNanos();
            java.util.regex.Pattern answer = java.util.regex.Pattern.compile("(?m)^vm-console-42\\s*$");
            while (!answer.matcher(tmux.pane()).find()) {
                assertTrue(System.nanoTime() - deadline < 0, "the VM's console shell never answered:\n"
                        + tmux.pane());
                tmux.keys("Enter");
                tmux.keys("echo vm-console-$((6*7))", "Enter");
                Thread.sleep(500);
            }
            tmux.keys("C-a");
            Thread.sleep(300);
            tmux.keys("q");
            tmux.await("(?m)^EXITED=0$");
        } finally {
            Corrald.deleteRecursively(home);
        }
        assertEquals(name + ",RUNNING", status(name), "detaching leaves the VM running");
    }

    /** A VM is libvirt's: it keeps running while corrald restarts, and the new corrald finds it. */
    @Test
    void vmKeepsRunningAcrossADaemonRestart() throws Exception {
        String name = name("vmkeep");
        incus.run(Duration.ofMinutes(3), "launch", "--vm", "busybox-vm", name).assertSuccess();
        awaitAgent(name);
        String pid = incus.run("list", name, "--columns=p", "--format=csv").assertSuccess().stdout().trim();
        corrald.restart();
        assertEquals(name + ",RUNNING", status(name));
        assertEquals(pid, incus.run("list", name, "--columns=p", "--format=csv").assertSuccess().stdout().trim(),
                "the same QEMU process");
        assertEquals("Linux", incus.run("exec", name, "--", "uname", "-s").assertSuccess().stdout().trim());
    }

    @Test
    void importOfASplitVmImage() throws Exception {
        Path images = Path.of(System.getProperty(Corrald.HOME_PROPERTY), "images");
        String alias = "imported-" + UUID.randomUUID().toString().substring(0, 8);
        // Metadata of its own, so that the fingerprint differs from the built-in image's.
        Path dir = Files.createTempDirectory("corral-vm-meta-");
        Path meta = dir.resolve("meta.tar.gz");
        try {
            Files.writeString(dir.resolve("metadata.yaml"), "architecture: x86_64\ncreation_date: 1700000000\n"
                    + "properties:\n  os: busybox\n  description: " + alias + "\n");
            Process tar = new ProcessBuilder("tar", "-C", dir.toString(), "-czf", meta.toString(), "metadata.yaml")
                    .inheritIO().start();
            assertEquals(0, tar.waitFor());
            // The CLI follows the import on the events websocket, which corrald's EventsEndpoint sometimes closes
            // with 1008 "too slow" while 25 MB stream in on a loaded machine (an events issue, not the import's):
            // that one failure is retried, any other fails the test.
            IncusCli.Result imported = null;
            for (int attempt = 0; attempt < 3; attempt++) {
                imported = incus.run(Duration.ofMinutes(2), "image", "import", meta.toString(),
                        images.resolve("busybox-vm.qcow2").toString(), "--alias", alias);
                if (imported.exitCode() == 0 || !imported.stderr().contains("too slow")) {
                    break;
                }
            }
            imported.assertSuccess();
            String row = incus.run("image", "list", alias, "--format=csv", "--columns=lt").assertSuccess().stdout();
            assertEquals(alias + ",VIRTUAL-MACHINE", row.trim());
        } finally {
            incus.run("image", "delete", alias);
            Files.deleteIfExists(dir.resolve("metadata.yaml"));
            Files.deleteIfExists(meta);
            Files.deleteIfExists(dir);
        }
    }

    @Test
    void badInputIsRefusedClearly() throws Exception {
        String small = name("vmsmall");
        IncusCli.Result tooSmall = incus.run("init", "--vm", "busybox-vm", small, "--device", "root,size=1GiB");
        assertNotEquals(0, tooSmall.exitCode(), tooSmall.toString());
        assertTrue(tooSmall.stderr().contains("minimum of 5GiB"), tooSmall.toString());

        // Without --vm, the image decides (as Incus): a VM.
        String fromImage = name("vmimg");
        incus.run("init", "busybox-vm", fromImage).assertSuccess();
        assertEquals(fromImage + ",STOPPED,VIRTUAL-MACHINE", incus.run("list", fromImage, "--columns=nst",
                "--format=csv").assertSuccess().stdout().trim());

        String wrongType = name("vmwrong");
        IncusCli.Result container = incus.run("init", "--vm", "busybox", wrongType);
        assertNotEquals(0, container.exitCode(), container.toString());
        assertTrue(container.stderr().contains("container"), container.toString());

        String cpus = name("vmcpu");
        IncusCli.Result badCpu = incus.run("init", "--vm", "busybox-vm", cpus, "--config", "limits.cpu=3-1");
        assertNotEquals(0, badCpu.exitCode(), badCpu.toString());
        assertTrue(badCpu.stderr().contains("limits.cpu"), badCpu.toString());

        IncusCli.Result accelerator = incus.run("config", "set", "corral.vm.accelerator", "warp");
        assertNotEquals(0, accelerator.exitCode(), accelerator.toString());
        assertTrue(accelerator.stderr().contains("corral.vm.accelerator"), accelerator.toString());

        IncusCli.Result privileged = incus.run("init", "--vm", "busybox-vm", name("vmpriv"), "--config",
                "security.privileged=true");
        assertNotEquals(0, privileged.exitCode(), privileged.toString());
        assertTrue(privileged.stderr().contains("security.privileged"), privileged.toString());
    }
}
