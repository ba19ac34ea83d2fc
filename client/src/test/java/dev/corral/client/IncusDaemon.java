package dev.corral.client;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The real Incus daemon of this machine, if one answers on {@code /var/lib/incus/unix.socket} (system property
 * {@code incus.socket} to point elsewhere); the tests that need it are skipped, with that reason, otherwise.
 */
final class IncusDaemon {

    static final Path SOCKET = Path.of(System.getProperty("incus.socket", "/var/lib/incus/unix.socket"));

    private IncusDaemon() {
    }

    /** A client of the real Incus, or the calling test class is skipped. */
    static Corral connectOrSkip() {
        Assumptions.assumeTrue(Files.exists(SOCKET), () -> "no Incus here: " + SOCKET + " does not exist");
        Corral client = Corral.connectUnix(SOCKET, ClientOptions.defaults().withRequestTimeout(Duration.ofSeconds(20)));
        try {
            var server = client.server().get().get(10, TimeUnit.SECONDS);
            Assumptions.assumeTrue("incus".equals(server.environment().server()),
                    () -> SOCKET + " is not Incus but " + server.environment().server());
            return client;
        } catch (Exception e) {
            client.close();
            Assumptions.abort("no Incus answers on " + SOCKET + ": " + e);
            throw new AssertionError("not reached");
        }
    }
}
