package dev.corral.client;

import static dev.corral.client.Await.done;
import static dev.corral.client.Await.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corral.api.Instance;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The SDK with a virtual machine on corrald (the built-in {@code busybox-vm} image, TCG where KVM is slow or
 * absent): create and start, exec through the guest agent, freeze and unfreeze, stop, delete. Skipped, with the
 * reason, when this corrald offers no VM image.
 */
class CorraldVmTest {

    @RegisterExtension
    static final CorraldProcess CORRALD = new CorraldProcess();

    static final String IMAGE = "busybox-vm";
    static final String NAME = "sdk-vm";
    static final Duration WAIT = Duration.ofMinutes(3);

    static Corral client;

    @BeforeAll
    static void connect() {
        client = Corral.connectUnix(CORRALD.socket());
        CorralException missing = client.images().aliases().get(IMAGE).handle((alias, e) ->
                e == null ? null : CorralException.unwrap(e)).join();
        Assumptions.assumeTrue(missing == null, () -> "corrald has no " + IMAGE + " image: " + missing);
    }

    @AfterAll
    static void close() {
        if (client != null) {
            client.instances().stopAndWait(NAME, true, WAIT).handle((i, e) -> null).join();
            client.instances().deleteAndWait(NAME, WAIT).handle((i, e) -> null).join();
            client.close();
        }
    }

    @Test
    void aVirtualMachineThroughItsWholeLife() {
        Instance created = done(client.instances().createAndWait(CreateInstance.fromImage(IMAGE).withName(NAME)
                .withType(CreateInstance.VIRTUAL_MACHINE).withStart(true), WAIT));
        assertEquals("virtual-machine", created.type());
        assertEquals("Running", created.status());

        ExecResult uname = execWhenTheAgentAnswers(ExecRequest.of("uname", "-s"));
        assertEquals("Linux", uname.stdoutText().trim());
        assertEquals(7, done(client.instances().execAndCollect(NAME, ExecRequest.of("sh", "-c", "exit 7"), WAIT))
                .exitCode());

        assertEquals("Frozen", done(client.instances().freezeAndWait(NAME, WAIT)).status());
        assertEquals("Running", done(client.instances().unfreezeAndWait(NAME, WAIT)).status());
        assertEquals("Stopped", done(client.instances().stopAndWait(NAME, true, WAIT)).status());
        done(client.instances().deleteAndWait(NAME, WAIT));
        assertTrue(failure(client.instances().get(NAME)).isNotFound());
    }

    /** The guest agent starts a little after the VM: exec is retried until it answers. */
    private static ExecResult execWhenTheAgentAnswers(ExecRequest request) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            try {
                return done(client.instances().execAndCollect(NAME, request, WAIT));
            } catch (CorralException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
