package dev.corral.client.examples;

import dev.corral.api.Instance;
import dev.corral.api.Server;
import dev.corral.client.Corral;
import dev.corral.client.CorralException;
import dev.corral.client.CreateInstance;
import dev.corral.client.EventMetadata;
import dev.corral.client.EventType;
import dev.corral.client.ExecRequest;
import dev.corral.client.ExecResult;
import dev.corral.client.Subscription;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Set;

/**
 * The SDK in one page: connect, create and start a busybox container, run a command in it, stop it, delete it,
 * while printing the lifecycle events.
 *
 * <pre>
 * java -cp corral-client.jar:... dev.corral.client.examples.LifecycleExample [name]
 * </pre>
 *
 * Finds the daemon as {@link Corral#connect()} does ({@code CORRAL_DIR}, {@code INCUS_DIR}, then the default
 * sockets). Needs an image with alias {@code busybox} (Corral has it built in).
 */
public final class LifecycleExample {

    private LifecycleExample() {
    }

    public static void main(String[] args) {
        try (Corral client = Corral.connect()) {
            run(client, args.length > 0 ? args[0] : "sdk-example", System.out);
        }
    }

    /** The example proper, for any client; returns the exit code of the command it ran (or -1 without exec). */
    public static int run(Corral client, String name, PrintStream out) {
        Duration timeout = Duration.ofMinutes(1);
        Server server = client.server().get().join();
        out.println("connected to " + client.address() + ": " + server.environment().server() + " "
                + server.environment().serverVersion());

        Subscription events = client.events().subscribe(Set.of(EventType.LIFECYCLE),
                event -> EventMetadata.lifecycle(event).ifPresent(
                        lifecycle -> out.println("  event: " + lifecycle.action() + " " + lifecycle.source())))
                .join();
        int exitCode = -1;
        try {
            Instance instance = client.instances().createAndWait(
                    CreateInstance.fromImage("busybox").withName(name).withStart(true), timeout).join();
            out.println(instance.name() + " is " + instance.status());

            try {
                ExecResult result = client.instances()
                        .execAndCollect(name, ExecRequest.of("sh", "-c", "echo hello from $(hostname)"), timeout)
                        .join();
                exitCode = result.exitCode();
                out.print("exec: " + result.stdoutText());
                out.println("exit code " + exitCode);
            } catch (java.util.concurrent.CompletionException e) {
                CorralException error = CorralException.unwrap(e);
                if (error == null || !error.isNotFound()) {
                    throw e;
                }
                out.println("exec: this daemon does not offer exec yet (" + error.getMessage() + ")");
            }

            instance = client.instances().stopAndWait(name, true, timeout).join();
            out.println(instance.name() + " is " + instance.status());
            client.instances().deleteAndWait(name, timeout).join();
            out.println(name + " deleted");
        } finally {
            events.close();
        }
        return exitCode;
    }
}
