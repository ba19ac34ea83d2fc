package dev.corral.client;

import static dev.corral.client.Await.done;
import static dev.corral.client.Await.failure;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The exec and files contract against corrald, in a running busybox container. Each part is skipped, with the
 * reason, while corrald does not serve its endpoint ({@code POST /1.0/instances/{name}/exec},
 * {@code GET /1.0/instances/{name}/files} answer 404): the tests run by themselves once it does.
 */
class CorraldRunningInstanceTest extends RunningInstanceContract {

    @RegisterExtension
    static final CorraldProcess CORRALD = new CorraldProcess();

    static final String NAME = "sdk-exec";
    static final Duration WAIT = Duration.ofSeconds(60);

    static Corral client;
    static boolean servesExec;
    static boolean servesFiles;

    @BeforeAll
    static void start() {
        client = Corral.connectUnix(CORRALD.socket());
        done(client.instances().createAndWait(CreateInstance.fromImage("busybox").withName(NAME).withStart(true),
                WAIT));
        try {
            done(client.instances().execAndCollect(NAME, ExecRequest.of("true"), WAIT));
            servesExec = true;
        } catch (CorralException e) {
            servesExec = !e.isNotFound();
        }
        try {
            done(client.instances().files().pull(NAME, "/etc/hostname"));
            servesFiles = true;
        } catch (CorralException e) {
            servesFiles = !e.isNotFound();
        }
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            try {
                done(client.instances().stopAndWait(NAME, true, WAIT));
                done(client.instances().deleteAndWait(NAME, WAIT));
            } finally {
                client.close();
            }
        }
    }

    @Override
    Corral client() {
        return client;
    }

    @Override
    void assumeExec() {
        Assumptions.assumeTrue(servesExec, "corrald does not serve exec yet (POST /1.0/instances/" + NAME
                + "/exec answers 404): these tests run once the exec endpoint lands");
    }

    @Override
    void assumeFiles() {
        Assumptions.assumeTrue(servesFiles, "corrald does not serve files yet (GET /1.0/instances/" + NAME
                + "/files answers 404): these tests run once the files endpoint lands");
    }

    @Override
    String instance() {
        return NAME;
    }

    @Test
    void execInAStoppedInstanceIsABadRequest() {
        assumeExec();
        Corral c = client();
        done(c.instances().createAndWait(CreateInstance.fromImage("busybox").withName("sdk-exec-stopped"), WAIT));
        try {
            assertTrue(failure(c.instances().execAndCollect("sdk-exec-stopped", ExecRequest.of("true"), WAIT))
                    .isBadRequest());
        } finally {
            done(c.instances().deleteAndWait("sdk-exec-stopped", WAIT));
        }
    }
}
