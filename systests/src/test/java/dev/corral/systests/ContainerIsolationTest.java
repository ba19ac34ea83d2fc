package dev.corral.systests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What the host sees of a container's configuration, read from {@code /proc/<init pid>}: unprivileged by default
 * (root inside is host uid 1000000), privileged on request, {@code environment.*} in init's environment,
 * {@code raw.lxc} applied (a host name set by {@code lxc.uts.name}).
 */
class ContainerIsolationTest {

    @RegisterExtension
    static final Corrald corrald = Corrald.create();

    /** The first host id of the unprivileged map ({@code /etc/subuid} root:1000000:1000000000). */
    private static final String HOST_ROOT = "1000000";

    private final Containers containers = new Containers(corrald);

    @BeforeAll
    static void needsCorrald() {
        corrald.assumeCorrald("reads /proc of the daemon's containers on this host");
    }

    @AfterEach
    void cleanup() {
        containers.cleanup();
    }

    @Test
    void unprivilegedByDefault() throws Exception {
        String name = containers.launch("unpriv");
        int pid = containers.pid(name);
        assertEquals(List.of(HOST_ROOT, HOST_ROOT, HOST_ROOT, HOST_ROOT), Containers.procStatus(pid, "Uid"),
                "init (root inside) runs as host uid " + HOST_ROOT);
        assertEquals(List.of(HOST_ROOT, HOST_ROOT, HOST_ROOT, HOST_ROOT), Containers.procStatus(pid, "Gid"));
        String uidMap = Files.readString(Path.of("/proc/" + pid + "/uid_map")).trim();
        assertTrue(uidMap.matches("0\\s+" + HOST_ROOT + "\\s+\\d+"), "a shifted user namespace: " + uidMap);
        Path bin = corrald.dir().resolve("storage-pools/default/containers/" + name + "/rootfs/bin/busybox");
        assertEquals(Integer.parseInt(HOST_ROOT), Files.getAttribute(bin, "unix:uid"),
                "the root file system is owned by the shifted root: " + bin);
    }

    @ParameterizedTest
    @ValueSource(strings = {"true", "1", "yes"})
    void privilegedOnRequest(String value) throws Exception {
        // Incus reads booleans with util.IsTrue: "true", "1", "yes", "on" (any case)
        String name = containers.name("priv");
        ObjectNode body = Containers.fromImage(name, true);
        body.set("config", Json.object().put("security.privileged", value));
        containers.createOk(body);
        int pid = containers.pid(name);
        assertEquals(List.of("0", "0", "0", "0"), Containers.procStatus(pid, "Uid"),
                "security.privileged=" + value + ": root inside is root on the host");
        String uidMap = Files.readString(Path.of("/proc/" + pid + "/uid_map")).trim();
        assertTrue(uidMap.matches("0\\s+0\\s+4294967295"), "the host's user namespace: " + uidMap);
    }

    @Test
    void environmentReachesInit() throws Exception {
        String name = containers.name("env");
        ObjectNode body = Containers.fromImage(name, true);
        body.set("config", Json.object().put("environment.FOO", "bar").put("environment.WITH_SPACE", "a b c"));
        containers.createOk(body);
        var env = Containers.environ(containers.pid(name));
        assertEquals("bar", env.get("FOO"), env.toString());
        assertEquals("a b c", env.get("WITH_SPACE"), env.toString());

        // a change applies from the next start
        Containers.assertSuccess(containers.waitFor(Envelopes.async(Api.given(corrald)
                .body("{\"config\":{\"environment.FOO\":\"baz\"}}").patch("/1.0/instances/" + name))));
        containers.action(name, "restart");
        assertEquals("baz", Containers.environ(containers.pid(name)).get("FOO"));
    }

    @Test
    void rawLxcIsApplied() throws Exception {
        // (not lxc.uts.name: the image's rcS sets the host name from /etc/hostname at boot, over LXC's)
        String name = containers.name("raw");
        ObjectNode body = Containers.fromImage(name, true);
        body.set("config", Json.object().put("raw.lxc", "lxc.prlimit.nofile = 1234:2345\n"
                + "lxc.environment = FROM_RAW_LXC=yes\n"));
        containers.createOk(body);
        int pid = containers.pid(name);
        String limits = Files.readString(Path.of("/proc/" + pid + "/limits"));
        assertTrue(limits.lines().anyMatch(l -> l.matches("Max open files\\s+1234\\s+2345\\s+files\\s*")), limits);
        assertEquals("yes", Containers.environ(pid).get("FROM_RAW_LXC"));
    }

    @Test
    void rawLxcSetsTheUtsName() throws Exception {
        // lxc.uts.name = other: the container's UTS namespace starts as "other". The image's rcS then sets the
        // host name from /etc/hostname, so "other" only stays when that file is empty: empty it after the first
        // start (which renders the image's "create" templates, /etc/hostname among them) and start again.
        String name = containers.name("uts");
        ObjectNode body = Containers.fromImage(name, true);
        body.set("config", Json.object().put("raw.lxc", "lxc.uts.name = other"));
        containers.createOk(body);
        containers.forceStop(name);
        Files.writeString(rootfs(name).resolve("etc/hostname"), "");
        containers.action(name, "start");
        Containers.Host hostname = Containers.host("nsenter", "-t", Integer.toString(containers.pid(name)), "-u",
                "hostname");
        assertEquals(0, hostname.exitCode(), hostname.output());
        assertEquals("other", hostname.output().trim());
    }

    @Test
    void theHostNameIsTheInstanceName() throws Exception {
        // the image's templates (metadata.yaml: /etc/hostname and /etc/hosts, when: create) are rendered with the
        // instance's name, as Incus does on the first start; the image's rcS then names the host from /etc/hostname
        String name = containers.launch("named");
        assertEquals(name, Files.readString(rootfs(name).resolve("etc/hostname")).trim(), "/etc/hostname");
        String hosts = Files.readString(rootfs(name).resolve("etc/hosts"));
        assertTrue(hosts.lines().anyMatch(l -> l.matches("127\\.0\\.1\\.1\\s+" + name)), "/etc/hosts: " + hosts);
        Containers.Host hostname = Containers.host("nsenter", "-t", Integer.toString(containers.pid(name)), "-u",
                "hostname");
        assertEquals(name, hostname.output().trim(), "the container's host name");
    }

    private static Path rootfs(String name) {
        return corrald.dir().resolve("storage-pools/default/containers/" + name + "/rootfs");
    }
}
