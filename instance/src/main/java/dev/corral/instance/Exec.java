package dev.corral.instance;

/**
 * The exec capability of a driver ({@code driver.capability(Exec.class)}): runs a command inside a running instance,
 * its standard streams connected as an {@link ExecIo} says.
 *
 * <p>What the command sees is decided by the caller and given in full in the {@link ExecRequest} (environment, user,
 * group, working directory): a driver adds nothing but what its runtime itself sets ({@code container=lxc} for LXC).
 *
 * <p>Threading: {@link #start} blocks until the command runs (or could not be started) and may be called from any
 * worker thread, for any number of commands at once.
 */
public interface Exec {

    /**
     * Starts {@code request} inside the running instance {@code spec}.
     *
     * @throws DriverException when the command cannot be started (the instance does not run, the helper is missing);
     *     a command that cannot be executed inside (not found, not executable) starts and exits 127 or 126
     */
    ExecProcess start(InstanceSpec spec, ExecRequest request, ExecIo io);
}
