package dev.corral.systests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A tmux server of its own (its own socket name) with one session running a command in a real terminal, for the
 * CLI commands that need one ({@code incus console}, {@code incus exec -t}); the {@code incus} CLI in it talks to
 * the daemon under test. Close it to kill the server.
 */
final class Tmux implements AutoCloseable {

    static final Path TMUX = Path.of("/usr/bin/tmux");
    private static final String SESSION = "t";

    private final String socket = "corral-" + UUID.randomUUID().toString().substring(0, 8);
    private final Map<String, String> env;
    /** The server's socket file, which tmux leaves behind when the server is killed. */
    private final Path socketPath;

    /** Starts {@code command} (a shell command line) in a {@code width}x{@code height} terminal. */
    Tmux(Corrald daemon, Path home, int width, int height, String command) throws IOException, InterruptedException {
        this.env = Map.of("PATH", "/usr/sbin:/usr/bin:/sbin:/bin", "HOME", home.toString(), "LANG", "C.UTF-8",
                "TERM", "xterm", "INCUS_DIR", daemon.dir().toString(),
                "INCUS_CONF", home.resolve("incus-conf").toString());
        run("new-session", "-d", "-s", SESSION, "-x", Integer.toString(width), "-y", Integer.toString(height),
                command);
        this.socketPath = Path.of(run("display-message", "-p", "#{socket_path}").trim());
    }

    static boolean available() {
        return Files.isExecutable(TMUX);
    }

    /** Types {@code keys} (tmux key names: "Enter", "C-a", or literal text). */
    void keys(String... keys) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("send-keys", "-t", SESSION));
        args.addAll(List.of(keys));
        run(args.toArray(new String[0]));
    }

    /** Resizes the window (the terminal the command runs in). */
    void resize(int width, int height) throws IOException, InterruptedException {
        run("resize-window", "-t", SESSION, "-x", Integer.toString(width), "-y", Integer.toString(height));
    }

    String pane() throws IOException, InterruptedException {
        return run("capture-pane", "-p", "-t", SESSION);
    }

    /** Waits (20 s at most) until the pane matches {@code regex}; returns it. */
    String await(String regex) throws IOException, InterruptedException {
        Pattern pattern = Pattern.compile(regex);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        String pane = "";
        while (System.nanoTime() < deadline) {
            pane = pane();
            if (pattern.matcher(pane).find()) {
                return pane;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("tmux pane never matched " + regex + ":\n" + pane);
    }

    private String run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(TMUX.toString(), "-L", socket));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().putAll(env);
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(10, TimeUnit.SECONDS), "tmux " + args[0]);
        assertEquals(0, p.exitValue(), "tmux " + String.join(" ", args) + ": " + output);
        return output;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        List<String> command = List.of(TMUX.toString(), "-L", socket, "kill-server");
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start().waitFor(10, TimeUnit.SECONDS);
        Files.deleteIfExists(socketPath);
    }
}
