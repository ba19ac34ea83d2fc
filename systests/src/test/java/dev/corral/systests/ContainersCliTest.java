package dev.corral.systests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Containers through the real {@code incus} 6.0 CLI (and the {@code lxc} 5.0 one): launch, list, info, config,
 * pause/start, restart, stop, rename, delete, images; each checked on the daemon's API and, where it shows, on the
 * host (the container's cgroup).
 */
class ContainersCliTest {

    @RegisterExtension
    static final Corrald corrald = Corrald.create();

    private static IncusCli incus;
    private final Containers containers = new Containers(corrald);

    @BeforeAll
    static void cli() throws Exception {
        corrald.assumeCorrald("needs the built-in busybox image");
        incus = IncusCli.incus(corrald);
    }

    @AfterAll
    static void closeCli() {
        if (incus != null) {
            incus.close();
        }
    }

    @AfterEach
    void cleanup() {
        containers.cleanup();
    }

    @Test
    void launchListAndInfo() throws Exception {
        String name = containers.name("cli");
        incus.run("launch", Containers.IMAGE, name).assertSuccess();
        assertEquals("Running", containers.status(name));

        String table = incus.run("list").assertSuccess().stdout();
        assertTrue(table.lines().anyMatch(l -> l.contains("| " + name + " ") && l.contains("| RUNNING ")
                && l.contains("| CONTAINER ")), table);
        assertEquals(name + ",RUNNING,CONTAINER", incus.run("list", name, "--columns=nst", "--format=csv")
                .assertSuccess().stdout().trim());

        JsonNode list = Json.parse(incus.run("list", "--format", "json").assertSuccess().stdout());
        JsonNode ours = null;
        for (JsonNode instance : list) {
            if (name.equals(instance.path("name").asText())) {
                ours = instance;
            }
        }
        assertTrue(ours != null, "incus list --format json lists " + name + ": " + list);
        assertEquals("Running", ours.path("status").asText(), ours.toString());
        assertEquals("container", ours.path("type").asText(), ours.toString());
        int pid = containers.pid(name);
        assertEquals(pid, ours.at("/state/pid").asInt(), "the json list carries the state: " + ours);

        String info = incus.run("info", name).assertSuccess().stdout();
        assertTrue(info.contains("Name: " + name), info);
        assertTrue(info.contains("Status: RUNNING"), info);
        assertTrue(info.contains("Type: container"), info);
        assertTrue(info.contains("PID: " + pid), "PID " + pid + " in: " + info);
        Matcher processes = Pattern.compile("Processes: (\\d+)").matcher(info);
        assertTrue(processes.find() && Integer.parseInt(processes.group(1)) > 0, "Processes > 0 in: " + info);
        assertTrue(info.contains("lo:"), "the loopback interface in: " + info);
    }

    @Test
    void configSetGetShowAppliesLimitsToTheRunningContainer() throws Exception {
        String name = containers.launch("cfg");
        int pid = containers.pid(name);
        Path memoryLimit = Containers.cgroupFile(pid, "memory", "memory.limit_in_bytes", "memory.max");
        Path cpus = Containers.cgroupFile(pid, "cpuset", "cpuset.cpus", "cpuset.cpus");

        incus.run("config", "set", name, "limits.memory", "128MiB").assertSuccess();
        assertEquals("128MiB", incus.run("config", "get", name, "limits.memory").assertSuccess().stdout().trim());
        assertEquals(String.valueOf(128L * 1024 * 1024), Files.readString(memoryLimit).trim(),
                "the memory cgroup of the running container (" + memoryLimit + ")");
        String shown = incus.run("config", "show", name).assertSuccess().stdout();
        assertTrue(shown.contains("limits.memory: 128MiB"), shown);
        String expanded = incus.run("config", "show", "--expanded", name).assertSuccess().stdout();
        assertTrue(expanded.contains("pool: default") && expanded.contains("type: disk"),
                "the default profile's root disk in the expanded config: " + expanded);

        incus.run("config", "set", name, "limits.cpu", "1").assertSuccess();
        assertEquals("1", incus.run("config", "get", name, "limits.cpu").assertSuccess().stdout().trim());
        assertEquals(1, cpuCount(Files.readString(cpus).trim()), "one CPU in " + cpus + ": " + Files.readString(cpus));

        incus.run("config", "set", name, "user.owner", "systest").assertSuccess();
        assertEquals("systest", containers.get(name).at("/config/user.owner").asText());

        incus.run("config", "unset", name, "limits.memory").assertSuccess();
        assertEquals("", incus.run("config", "get", name, "limits.memory").assertSuccess().stdout().trim());
        String unlimited = Files.readString(memoryLimit).trim();
        assertTrue(unlimited.equals("max") || Long.parseLong(unlimited) > (1L << 40),
                "unset removes the memory limit of the running container: " + unlimited);
        assertEquals(pid, containers.pid(name), "live changes: no restart");

        IncusCli.Result bad = incus.run("config", "set", name, "limits.memory", "lots");
        assertNotEquals(0, bad.exitCode(), bad.toString());
        assertTrue(bad.stderr().contains("limits.memory"), bad.toString());
    }

    @Test
    void pauseThenStartUnfreezes() throws Exception {
        String name = containers.launch("pause");
        int pid = containers.pid(name);
        incus.run("pause", name).assertSuccess();
        assertEquals(name + ",FROZEN", csvStatus(name));
        assertEquals("Frozen", containers.status(name));

        // incus start of a frozen instance sends "unfreeze" (Incus 6 CLI); the API accepts "start" too
        incus.run("start", name).assertSuccess();
        assertEquals(name + ",RUNNING", csvStatus(name));
        assertEquals(pid, containers.pid(name), "thawed, not restarted");

        incus.run("pause", name).assertSuccess();
        incus.run("resume", name).assertSuccess();
        assertEquals(name + ",RUNNING", csvStatus(name));
        assertEquals(pid, containers.pid(name), "thawed, not restarted");
    }

    @Test
    void restartStartsANewInit() throws Exception {
        String name = containers.launch("restart");
        int pid = containers.pid(name);
        incus.run("restart", name).assertSuccess();
        assertEquals(name + ",RUNNING", csvStatus(name));
        assertNotEquals(pid, containers.pid(name), "a new init after restart");
        assertFalse(Files.exists(Path.of("/proc/" + pid)), "the old init is gone");
    }

    @Test
    void stopAndStopForce() throws Exception {
        String name = containers.launch("stop");
        int pid = containers.pid(name);
        incus.run("stop", name).assertSuccess();
        assertEquals(name + ",STOPPED", csvStatus(name));
        assertFalse(Files.exists(Path.of("/proc/" + pid)), "init is gone after stop");
        assertEquals(0, containers.state(name).path("pid").asInt());

        incus.run("start", name).assertSuccess();
        assertEquals(name + ",RUNNING", csvStatus(name));
        incus.run("stop", "--force", name).assertSuccess();
        assertEquals(name + ",STOPPED", csvStatus(name));

        IncusCli.Result again = incus.run("stop", name);
        assertNotEquals(0, again.exitCode(), "stopping a stopped instance fails: " + again);
        assertTrue(again.stderr().toLowerCase().contains("already stopped"), again.toString());
    }

    @Test
    void renameAndMove() throws Exception {
        String first = containers.createStopped("ren");
        String second = containers.track(Containers.uniqueName("ren"));
        String third = containers.track(Containers.uniqueName("mv"));

        incus.run("rename", first, second).assertSuccess();
        incus.run("mv", second, third).assertSuccess();
        String names = incus.run("list", "--columns=n", "--format=csv").assertSuccess().stdout();
        List<String> listed = names.lines().map(String::trim).toList();
        assertTrue(listed.contains(third), names);
        assertFalse(listed.contains(first) || listed.contains(second), names);

        incus.run("start", third).assertSuccess();
        assertEquals(third + ",RUNNING", csvStatus(third));
        IncusCli.Result running = incus.run("rename", third, first);
        assertNotEquals(0, running.exitCode(), "a running instance is not renamed (as Incus): " + running);
        assertEquals("Running", containers.status(third));
        assertFalse(containers.exists(first));
    }

    @Test
    void deleteIsRefusedWhileRunningUnlessForced() throws Exception {
        String name = containers.launch("del");
        IncusCli.Result refused = incus.run("delete", name);
        assertNotEquals(0, refused.exitCode(), refused.toString());
        assertTrue(refused.stderr().contains("stop it first"), refused.toString());
        assertEquals("Running", containers.status(name));

        incus.run("delete", "--force", name).assertSuccess();
        assertFalse(containers.exists(name));
        assertFalse(incus.run("list", "--columns=n", "--format=csv").assertSuccess().stdout().contains(name));
        assertFalse(Files.exists(corrald.containersDir().resolve(name)), "the LXC container is gone");
        assertFalse(Files.exists(corrald.dir().resolve("storage-pools/default/containers/" + name)),
                "the root volume is gone");
    }

    @Test
    void imagesImportAliasAndDelete(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        String list = incus.run("image", "list", "--format=csv").assertSuccess().stdout();
        assertTrue(list.lines().anyMatch(l -> l.startsWith(Containers.IMAGE + ",")), list);
        Path distribution = Path.of(System.getProperty(Corrald.HOME_PROPERTY), "images", "busybox.tar.gz");
        assertTrue(Files.isRegularFile(distribution), distribution.toString());

        // the distribution's tarball is the built-in image: importing it again is refused (as Incus does)
        IncusCli.Result duplicate = incus.run("image", "import", distribution.toString(), "--alias", "dup");
        assertNotEquals(0, duplicate.exitCode(), duplicate.toString());
        assertTrue(duplicate.stderr().contains("already exists"), duplicate.toString());

        // the same tarball with one more file in the root filesystem is a new image
        String alias = Containers.uniqueName("imported");
        Path variant = variantOf(distribution, tmp);
        incus.run("image", "import", variant.toString(), "--alias", alias).assertSuccess();
        String fingerprint = incus.run("image", "list", alias, "--columns=f", "--format=csv").assertSuccess()
                .stdout().trim();
        assertEquals(12, fingerprint.length(), "short fingerprint of " + alias + ": " + fingerprint);
        JsonNode image = Envelopes.sync(Api.given(corrald).get("/1.0/images/aliases/" + alias));
        assertTrue(image.path("target").asText().startsWith(fingerprint), image.toString());

        String extra = Containers.uniqueName("extra");
        incus.run("image", "alias", "create", extra, fingerprint).assertSuccess();
        String aliases = incus.run("image", "alias", "list", "--format=csv").assertSuccess().stdout();
        assertTrue(aliases.lines().anyMatch(l -> l.startsWith(extra + "," + fingerprint)), aliases);
        assertTrue(aliases.lines().anyMatch(l -> l.startsWith(alias + "," + fingerprint)), aliases);

        String name = containers.name("img");
        incus.run("launch", extra, name).assertSuccess();
        assertEquals("Running", containers.status(name));
        assertTrue(Files.exists(corrald.dir().resolve("storage-pools/default/containers/" + name
                + "/rootfs/etc/systest-variant")), "the container was made from the imported image");
        incus.run("delete", "--force", name).assertSuccess();

        incus.run("image", "alias", "delete", extra).assertSuccess();
        aliases = incus.run("image", "alias", "list", "--format=csv").assertSuccess().stdout();
        assertFalse(aliases.contains(extra), aliases);

        incus.run("image", "delete", alias).assertSuccess();
        list = incus.run("image", "list", "--format=csv").assertSuccess().stdout();
        assertFalse(list.contains(fingerprint), list);
        assertTrue(list.lines().anyMatch(l -> l.startsWith(Containers.IMAGE + ",")), "busybox is still there: " + list);
        Envelopes.error(Api.given(corrald).get("/1.0/images/aliases/" + alias), 404);
    }

    @Test
    void theLxdCliLaunchesListsAndDeletes() throws Exception {
        try (IncusCli lxc = IncusCli.lxc(corrald)) {
            String name = containers.name("lxd");
            lxc.run("launch", Containers.IMAGE, name).assertSuccess();
            assertEquals("Running", containers.status(name));
            String table = lxc.run("list").assertSuccess().stdout();
            assertTrue(table.lines().anyMatch(l -> l.contains("| " + name + " ") && l.contains("| RUNNING ")),
                    table);
            assertEquals(name + ",RUNNING", lxc.run("list", name, "--columns=ns", "--format=csv").assertSuccess()
                    .stdout().trim());
            lxc.run("delete", "--force", name).assertSuccess();
            assertFalse(containers.exists(name));
            assertFalse(lxc.run("list", "--format=csv").assertSuccess().stdout().contains(name));
        }
    }

    private String csvStatus(String name) throws Exception {
        return incus.run("list", name, "--columns=ns", "--format=csv").assertSuccess().stdout().trim();
    }

    /** CPUs in a cpuset list such as {@code 0-1,3}. */
    static int cpuCount(String cpuset) {
        int count = 0;
        for (String part : cpuset.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            String[] range = part.split("-");
            count += range.length == 1 ? 1 : Integer.parseInt(range[1]) - Integer.parseInt(range[0]) + 1;
        }
        return count;
    }

    /** The distribution's image with {@code rootfs/etc/systest-variant} appended: another fingerprint. */
    private static Path variantOf(Path tarball, Path tmp) throws Exception {
        Path tar = tmp.resolve("variant.tar");
        Path marker = tmp.resolve("rootfs/etc/systest-variant");
        Files.createDirectories(marker.getParent());
        Files.writeString(marker, "systest\n");
        String script = "set -e; gzip -dc '" + tarball + "' > '" + tar + "'; tar -rf '" + tar + "' --owner=0"
                + " --group=0 -C '" + tmp + "' rootfs/etc/systest-variant; gzip -n '" + tar + "'";
        Containers.Host r = Containers.host("/bin/sh", "-c", script);
        assertEquals(0, r.exitCode(), r.output());
        return tmp.resolve("variant.tar.gz");
    }
}
