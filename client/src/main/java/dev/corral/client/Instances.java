package dev.corral.client;

import dev.corral.api.Instance;
import dev.corral.api.InstancePut;
import dev.corral.api.InstanceState;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@code /1.0/instances}: containers (and virtual machines) and their lifecycle.
 *
 * <p>Changes run as operations on the daemon: each returns an {@link OperationHandle} as soon as the daemon accepted
 * the change, and has an {@code ...AndWait} variant that waits (at most the given timeout) for it to end and answers
 * the instance as it is then.
 *
 * <pre>{@code
 * Instance c1 = client.instances().createAndWait(CreateInstance.fromImage("busybox").withName("c1").withStart(true),
 *         Duration.ofMinutes(1)).join();
 * ExecResult r = client.instances().execAndCollect("c1", ExecRequest.of("uname", "-a"), Duration.ofSeconds(10)).join();
 * client.instances().stopAndWait("c1", true, Duration.ofSeconds(30)).join();
 * client.instances().deleteAndWait("c1", Duration.ofSeconds(30)).join();
 * }</pre>
 */
public interface Instances {

    /** The instances' names ({@code recursion=0}). */
    CompletableFuture<List<String>> names();

    /** All instances ({@code recursion=1}). */
    CompletableFuture<List<Instance>> list();

    /**
     * The instances that match {@code filter} ({@code recursion=1}), in Incus's filter syntax, e.g.
     * {@code status eq Running} or {@code config.user.owner eq ops}; null or empty for all.
     */
    CompletableFuture<List<Instance>> list(String filter);

    /** Instances with their state ({@code recursion=2}: {@link Instance#state()} is set); filter as above. */
    CompletableFuture<List<Instance>> listWithState(String filter);

    /** One instance; fails with a 404 {@link CorralException} if there is none. */
    CompletableFuture<Instance> get(String name);

    /** One instance with its state ({@code recursion=1}). */
    CompletableFuture<Instance> getWithState(String name);

    /** {@code GET /1.0/instances/{name}/state}: status, processes, memory, network. */
    CompletableFuture<InstanceState> state(String name);

    // ---- changes ----

    CompletableFuture<OperationHandle> create(CreateInstance request);

    /** Creates (and, if asked, starts) the instance; answers it. */
    CompletableFuture<Instance> createAndWait(CreateInstance request, Duration timeout);

    /** {@code PUT}: replaces the writable fields (fields left null are cleared, as in Incus). */
    CompletableFuture<OperationHandle> update(String name, InstancePut put);

    CompletableFuture<Instance> updateAndWait(String name, InstancePut put, Duration timeout);

    /** {@code PATCH}: changes the given fields; config keys and devices are merged. */
    CompletableFuture<OperationHandle> patch(String name, InstancePut put);

    CompletableFuture<Instance> patchAndWait(String name, InstancePut put, Duration timeout);

    /** {@code POST /1.0/instances/{name}}: renames a stopped instance. */
    CompletableFuture<OperationHandle> rename(String name, String newName);

    CompletableFuture<Instance> renameAndWait(String name, String newName, Duration timeout);

    /** Deletes a stopped instance. */
    CompletableFuture<OperationHandle> delete(String name);

    CompletableFuture<Void> deleteAndWait(String name, Duration timeout);

    /** Starts, stops, restarts, freezes or unfreezes the instance. */
    CompletableFuture<OperationHandle> changeState(String name, StateChange change);

    /** {@link #changeState}, then waits; answers the instance (its new status). */
    CompletableFuture<Instance> changeStateAndWait(String name, StateChange change, Duration timeout);

    default CompletableFuture<OperationHandle> start(String name) {
        return changeState(name, StateChange.start());
    }

    default CompletableFuture<Instance> startAndWait(String name, Duration timeout) {
        return changeStateAndWait(name, StateChange.start(), timeout);
    }

    /** {@code force}: kill at once; else a clean shutdown without time bound (see {@link StateChange}). */
    default CompletableFuture<OperationHandle> stop(String name, boolean force) {
        return changeState(name, StateChange.stop(force));
    }

    default CompletableFuture<Instance> stopAndWait(String name, boolean force, Duration timeout) {
        return changeStateAndWait(name, StateChange.stop(force), timeout);
    }

    default CompletableFuture<OperationHandle> restart(String name, boolean force) {
        return changeState(name, StateChange.restart(force));
    }

    default CompletableFuture<Instance> restartAndWait(String name, boolean force, Duration timeout) {
        return changeStateAndWait(name, StateChange.restart(force), timeout);
    }

    default CompletableFuture<OperationHandle> freeze(String name) {
        return changeState(name, StateChange.freeze());
    }

    default CompletableFuture<Instance> freezeAndWait(String name, Duration timeout) {
        return changeStateAndWait(name, StateChange.freeze(), timeout);
    }

    default CompletableFuture<OperationHandle> unfreeze(String name) {
        return changeState(name, StateChange.unfreeze());
    }

    default CompletableFuture<Instance> unfreezeAndWait(String name, Duration timeout) {
        return changeStateAndWait(name, StateChange.unfreeze(), timeout);
    }

    // ---- files and commands ----

    /** The files inside instances. */
    InstanceFiles files();

    /**
     * Runs a command in a running instance. Completes once its streams are connected and it runs; its output goes to
     * {@code output} (start, next..., then complete once the command ended and all output was delivered, or error).
     */
    CompletableFuture<ExecSession> exec(String name, ExecRequest request, StreamCallback<ExecOutput> output);

    /**
     * Runs a command with no input and collects its output and exit code; fails with a {@code TIMEOUT}
     * {@link CorralException} (and abandons the command) if it takes longer than {@code timeout}.
     */
    CompletableFuture<ExecResult> execAndCollect(String name, ExecRequest request, Duration timeout);

    /** The same, with {@code stdin} as the command's standard input. */
    CompletableFuture<ExecResult> execAndCollect(String name, ExecRequest request, byte[] stdin, Duration timeout);

    // ---- console ----

    /**
     * Attaches to a running instance's console. Completes once attached; what the console prints goes to
     * {@code output} (start, next..., complete once the session ends). Fails with a 400 for a stopped instance,
     * and while another session holds the console unless {@link ConsoleRequest#force()}.
     */
    CompletableFuture<ConsoleSession> console(String name, ConsoleRequest request, StreamCallback<byte[]> output);

    /** What the console printed (Incus's console log: {@code incus console --show-log}). */
    CompletableFuture<byte[]> consoleLog(String name);

    /** Empties the console log. */
    CompletableFuture<Void> clearConsoleLog(String name);
}
