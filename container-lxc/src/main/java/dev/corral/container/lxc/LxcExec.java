package dev.corral.container.lxc;

import dev.corral.instance.DriverException;
import dev.corral.instance.Exec;
import dev.corral.instance.ExecIo;
import dev.corral.instance.ExecProcess;
import dev.corral.instance.ExecRequest;
import dev.corral.instance.InstanceSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Exec for LXC containers: each command runs under {@code lxc-attach} in a child process (never a fork of the JVM,
 * DESIGN §4), which enters the container's namespaces, cgroup, LSM and seccomp context the way liblxc does, and
 * then executes the command with exactly the environment, uid and gid asked for ({@code --clear-env}, {@code -v},
 * {@code -u}, {@code -g}; it adds {@code container=lxc}).
 *
 * <p>Working directory: lxc-attach starts the command in the directory whose path is its own working directory on
 * the host, if that path exists inside the container, else in {@code /} (Incus's rule too). So a directory that
 * exists on the host under the same canonical path ({@code /root}, {@code /tmp}, ...) is passed that way, with
 * nothing run inside; any other is entered by {@code /bin/sh -c 'cd "$0" 2>/dev/null; exec "$@"'} inside the
 * container first (which needs a shell there, and prints the shell's message for a command it cannot find).
 *
 * <p>lxc-attach runs quiet ({@code -q}): its messages would land in the command's standard error (it has no way to
 * log elsewhere only: with a log file it writes to stderr too), where Incus shows nothing.
 *
 * <p>The streams, the terminal and signals are {@link LxcExecProcess}'s.
 */
final class LxcExec implements Exec {

    /** The wrapper that enters a working directory the host does not have; "$0" is the directory. */
    static final String CWD_WRAPPER = "cd \"$0\" 2>/dev/null; exec \"$@\"";

    private final Path lxcpath;
    private final Path lxcAttach;
    private final ExecutorService io;

    /**
     * @param lxcpath the driver's lxcpath
     */
    LxcExec(Path lxcpath) {
        this.lxcpath = lxcpath;
        this.lxcAttach = LxcExecProcess.findExecutable("lxc-attach");
        AtomicInteger counter = new AtomicInteger();
        this.io = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "corral-exec-io-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    public ExecProcess start(InstanceSpec spec, ExecRequest request, ExecIo streams) {
        if (lxcAttach == null) {
            throw new DriverException("lxc-attach not found (install Debian package lxc)");
        }
        String name = spec.ref().backendName();
        Path hostCwd = sameDirectoryOnHost(request.cwd());
        List<String> command = attachCommand(name, request, hostCwd == null);
        return LxcExecProcess.start(command, hostCwd == null ? Path.of("/") : hostCwd, streams,
                () -> isRunning(name), io);
    }

    /** lxc-attach and its arguments, then the command (behind the working-directory wrapper if needed). */
    List<String> attachCommand(String name, ExecRequest request, boolean wrapCwd) {
        List<String> args = new ArrayList<>(List.of(lxcAttach.toString(), "-n", name, "-P", lxcpath.toString(),
                "-q", "--clear-env",
                "-u", Long.toString(request.user()), "-g", Long.toString(request.group())));
        for (Map.Entry<String, String> variable : new TreeMap<>(request.environment()).entrySet()) {
            args.add("-v");
            args.add(variable.getKey() + "=" + variable.getValue());
        }
        args.add("--");
        if (wrapCwd && !request.cwd().equals("/")) {
            args.addAll(List.of("/bin/sh", "-c", CWD_WRAPPER, request.cwd()));
        }
        args.addAll(request.command());
        return args;
    }

    private boolean isRunning(String name) {
        try (LxcContainer c = LxcContainer.open(name, lxcpath)) {
            return c.isRunning();
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** The host directory with exactly this canonical path (no symbolic link on the way), or null. */
    static Path sameDirectoryOnHost(String cwd) {
        String trimmed = cwd.length() > 1 && cwd.endsWith("/") ? cwd.replaceAll("/+$", "") : cwd;
        if (trimmed.isEmpty() || trimmed.equals("/")) {
            return null; // "/" needs neither
        }
        try {
            Path path = Path.of(trimmed);
            if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)
                    && path.toRealPath().toString().equals(trimmed)) {
                return path;
            }
        } catch (IOException | RuntimeException e) {
            // not usable from the host: the wrapper enters it
        }
        return null;
    }
}
