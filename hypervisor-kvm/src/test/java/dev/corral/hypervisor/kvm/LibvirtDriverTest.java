package dev.corral.hypervisor.kvm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corral.instance.DriverException;
import dev.corral.instance.Exec;
import dev.corral.instance.ExecIo;
import dev.corral.instance.ExecProcess;
import dev.corral.instance.ExecRequest;
import dev.corral.instance.ExecSink;
import dev.corral.instance.InstanceConsole;
import dev.corral.instance.InstanceFiles;
import dev.corral.instance.InstanceSpec;
import dev.corral.instance.InstanceStatus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * What the VM driver does beyond the contract, on one real busybox-vm booted once for the class: exec and files
 * through the guest agent, the serial console (attach, log), and a poweroff inside the guest (last).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LibvirtDriverTest {

    private static VmTestEnv env;
    private static InstanceSpec vm;

    @BeforeAll
    static void boot() throws Exception {
        VmTestEnv.assumeUsable();
        env = new VmTestEnv();
        vm = env.newSpec(Map.of("limits.memory", "256MiB"));
        env.driver.create(vm);
        env.driver.start(vm);
        long end = System.nanoTime() + Duration.ofMinutes(4).toNanos();
        while (true) {
            try {
                if (run(List.of("true")).status == 0) {
                    return;
                }
            } catch (DriverException e) {
                if (System.nanoTime() - end > 0) {
                    throw e;
                }
            }
            Thread.sleep(500);
        }
    }

    @AfterAll
    static void tearDown() {
        if (env != null) {
            env.close();
        }
    }

    record Ran(int status, String out, String err) {
    }

    static Ran run(List<String> command) throws InterruptedException {
        return run(command, "/");
    }

    static Ran run(List<String> command, String cwd) throws InterruptedException {
        Exec exec = env.driver.capability(Exec.class).orElseThrow();
        Collect out = new Collect();
        Collect err = new Collect();
        try (ExecProcess p = exec.start(vm, new ExecRequest(command, Map.of("PATH", "/usr/sbin:/usr/bin:/sbin:/bin",
                "GREETING", "hi"), 0, 0, cwd), new ExecIo.Pipes(out, err))) {
            int status = p.waitFor();
            out.ended.await(1, TimeUnit.MINUTES);
            err.ended.await(1, TimeUnit.MINUTES);
            return new Ran(status, out.text(), err.text());
        }
    }

    static final class Collect implements ExecSink {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final CountDownLatch ended = new CountDownLatch(1);

        @Override
        public synchronized void write(byte[] data) {
            bytes.writeBytes(data);
        }

        @Override
        public void end() {
            ended.countDown();
        }

        synchronized String text() {
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    @Order(1)
    void execThroughTheAgent() throws Exception {
        assertEquals(new Ran(0, "Linux\n", ""), run(List.of("uname", "-s")));
        assertEquals(new Ran(3, "hi\n", "oops\n"), run(List.of("sh", "-c", "echo $GREETING; echo oops >&2; exit 3")));
        assertEquals("/etc\n", run(List.of("pwd"), "/etc").out());
        assertEquals(127, run(List.of("no-such-program")).status());
        Exec exec = env.driver.capability(Exec.class).orElseThrow();
        Collect out = new Collect();
        try (ExecProcess cat = exec.start(vm, new ExecRequest(List.of("cat"), Map.of(), 0, 0, "/"),
                new ExecIo.Pipes(out, new Collect()))) {
            assertTrue(cat.write("standard ".getBytes(StandardCharsets.UTF_8)));
            assertTrue(cat.write("input\n".getBytes(StandardCharsets.UTF_8)));
            cat.closeInput();
            assertEquals(0, cat.waitFor());
            assertEquals("standard input\n", out.text(), "input written before the close reaches the command");
        }
        assertEquals(137, run(List.of("sh", "-c", "kill -9 $$")).status(), "128 + SIGKILL");
        assertThrows(DriverException.class, () -> env.driver.capability(Exec.class).orElseThrow().start(vm,
                new ExecRequest(List.of("id"), Map.of(), 1000, 1000, "/"), new ExecIo.Pipes(new Collect(),
                        new Collect())));
    }

    @Test
    @Order(2)
    void filesThroughTheAgent() throws Exception {
        try (FileSystem fs = env.driver.capability(InstanceFiles.class).orElseThrow().open(vm)) {
            Path dir = fs.getPath("/root/corral-test");
            Files.createDirectory(dir);
            assertThrows(FileAlreadyExistsException.class, () -> Files.createDirectory(dir));
            Path file = dir.resolve("hello.txt");
            byte[] content = "hello from the host\n".getBytes(StandardCharsets.UTF_8);
            Files.write(file, content);
            assertArrayEquals(content, Files.readAllBytes(file));
            assertEquals("hello from the host\n", run(List.of("cat", "/root/corral-test/hello.txt")).out());

            Files.setAttribute(file, "unix:mode", 0640);
            Files.setAttribute(file, "unix:uid", 12);
            Map<String, Object> a = Files.readAttributes(file, "unix:*", LinkOption.NOFOLLOW_LINKS);
            assertEquals(0100640, a.get("mode"));
            assertEquals(12, a.get("uid"));
            assertEquals((long) content.length, a.get("size"));
            assertEquals(Set.of("rw-r-----"), Set.of(PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(file))));

            Files.createSymbolicLink(dir.resolve("link"), fs.getPath("hello.txt"));
            assertEquals("hello.txt", Files.readSymbolicLink(dir.resolve("link")).toString());
            assertArrayEquals(content, Files.readAllBytes(dir.resolve("link")));
            try (var entries = Files.list(dir)) {
                assertEquals(Set.of("hello.txt", "link"),
                        Set.copyOf(entries.map(p -> p.getFileName().toString()).toList()));
            }
            Files.write(file, "more\n".getBytes(StandardCharsets.UTF_8), java.nio.file.StandardOpenOption.APPEND);
            assertEquals("hello from the host\nmore\n", Files.readString(file));
            assertThrows(NoSuchFileException.class, () -> Files.readAllBytes(dir.resolve("nope")));
            assertThrows(DirectoryNotEmptyException.class, () -> Files.delete(dir));
            Files.delete(dir.resolve("link"));
            Files.delete(file);
            Files.delete(dir);
            assertTrue(Files.notExists(dir));
            // The guest resolves paths: .. stops at its own root.
            assertTrue(Files.isDirectory(fs.getPath("/../../etc")));
        }
    }

    @Test
    @Order(3)
    void consoleAttachAndLog() throws Exception {
        InstanceConsole console = env.driver.capability(InstanceConsole.class).orElseThrow();
        byte[] log = console.log(vm);
        assertTrue(new String(log, StandardCharsets.UTF_8).contains("busybox-vm: up"),
                "the console log holds the boot: " + new String(log, StandardCharsets.UTF_8));
        assertArrayEquals(log, console.log(vm), "as in Incus, every read returns the whole log since the start");
        Collect out = new Collect();
        try (InstanceConsole.ConsoleSession session = console.attach(vm, 80, 24, out)) {
            assertThrows(DriverException.class, () -> console.attach(vm, 80, 24, new Collect()),
                    "one session at a time");
            session.write("\n".getBytes(StandardCharsets.UTF_8));
            session.write("echo console-$((6*7))\n".getBytes(StandardCharsets.UTF_8));
            long end = System.nanoTime() + Duration.ofMinutes(1).toNanos();
            while (!out.text().contains("console-42") && System.nanoTime() - end < 0) {
                Thread.sleep(100);
            }
            assertTrue(out.text().contains("console-42"), "the shell on the console answered: " + out.text());
        }
        String after = new String(console.log(vm), StandardCharsets.UTF_8);
        assertTrue(after.contains("busybox-vm: up") && after.contains("console-42"), after);
        console.clearLog(vm);
        assertFalse(new String(console.log(vm), StandardCharsets.UTF_8).contains("busybox-vm: up"), "cleared");
    }

    @Test
    @Order(4)
    void poweroffInsideStopsTheInstance() throws Exception {
        try {
            run(List.of("poweroff"));
        } catch (DriverException e) {
            // the agent went down with the guest
        }
        long end = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (env.driver.status(vm.ref()) != InstanceStatus.STOPPED && System.nanoTime() - end < 0) {
            Thread.sleep(200);
        }
        assertEquals(InstanceStatus.STOPPED, env.driver.state(vm.ref()).status());
        assertTrue(env.driver.capability(InstanceConsole.class).orElseThrow().log(vm).length > 0,
                "a stopped VM's console log is the file");
        assertThrows(DriverException.class, () -> env.driver.capability(InstanceFiles.class).orElseThrow().open(vm));
    }

}
