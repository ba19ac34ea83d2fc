package dev.corral.daemon.instances.exec;

import com.fasterxml.jackson.databind.JsonNode;
import dev.corral.api.ApiException;
import dev.corral.api.Json;
import dev.corral.instance.DriverException;
import dev.corral.instance.Exec;
import dev.corral.instance.ExecIo;
import dev.corral.instance.ExecProcess;
import dev.corral.instance.ExecRequest;
import dev.corral.instance.ExecSink;
import dev.corral.instance.InstanceSpec;
import dev.corral.operations.MessageChannel;
import dev.corral.operations.OperationContext;
import dev.corral.operations.Streams;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The work of a websocket exec operation, speaking Incus 6.0's protocol on the streams:
 *
 * <ul>
 *   <li>It waits (5 s at most, then fails: "Timed out waiting for websockets to connect") for the required streams:
 *       {@code 0}, {@code 1} and {@code 2}, or, interactive, {@code control} and {@code 0}. A non-interactive
 *       client may connect {@code control} later or never (older clients do not).</li>
 *   <li>Output goes out as binary messages; a stream's end as an empty text message (the "barrier"); the sockets
 *       are closed when the operation ends. Input comes as binary messages; a text message or the socket's close
 *       ends it (non-interactive: end of file on stdin).</li>
 *   <li>{@code control} carries JSON text: {@code {"command":"window-resize","args":{"width":"80","height":"24"}}}
 *       (interactive only) and {@code {"command":"signal","signal":15}}.</li>
 *   <li>A client that goes away while the command runs (closing {@code control}; or, interactive, {@code 0}; or,
 *       without {@code control}, stdout before its end) has the command killed, which ends the operation.</li>
 *   <li>When the command has ended and its output is out, {@code control} is closed and the exit status lands in
 *       the metadata's {@code return}.</li>
 * </ul>
 *
 * <p>Each stream is listened to as soon as it is connected, not once all are: the Go client sends a short stdin,
 * its end and closes the socket while it still connects the other streams, and a socket closed before anyone
 * listens loses what it held. Input and control messages that come before the command runs wait for it.
 *
 * <p>Threading: {@link #run} runs on an operation worker; socket callbacks come from the event loop and only hand
 * things on (to the {@link ExecProcess}, which never blocks, or to the pending lists, under this object's lock).
 */
final class ExecSession {

    static final String CONTROL = "control";
    private static final Logger LOG = LoggerFactory.getLogger(ExecSession.class);
    /** As Incus: the client connects the streams right after the operation is created. */
    private static final long CONNECT_TIMEOUT_MILLIS = 5_000;
    /** How often the wait for the command looks for a late control stream. */
    private static final long POLL_MILLIS = 100;

    private final Exec exec;
    private final InstanceSpec spec;
    private final ExecRequest command;
    private final boolean interactive;
    private final int width;
    private final int height;
    private final Streams streams;
    private final Runnable onStarted;

    /** Guarded by this: the running command, null before it starts. */
    private ExecProcess process;
    /** Guarded by this: what came for the command before it started. */
    private final List<Consumer<ExecProcess>> pending = new ArrayList<>();
    /** Guarded by this: the client went away before the command started. */
    private boolean abandoned;
    private volatile boolean ended;
    private volatile MessageChannel control;
    private volatile boolean stdoutEnded;
    private volatile String failure;

    /** @param onStarted called once the command runs (the lifecycle event) */
    ExecSession(Exec exec, InstanceSpec spec, ExecRequest command, boolean interactive, int width, int height,
            Streams streams, Runnable onStarted) {
        this.onStarted = onStarted;
        this.exec = exec;
        this.spec = spec;
        this.command = command;
        this.interactive = interactive;
        this.width = width;
        this.height = height;
        this.streams = streams;
    }

    void run(OperationContext context) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CONNECT_TIMEOUT_MILLIS);
        MessageChannel input;
        ExecIo io;
        if (interactive) {
            listenToControl(await(CONTROL, deadline));
            input = await("0", deadline);
            listen(input, text -> { }, this::write, () -> clientGone("0"));
            io = new ExecIo.Terminal(width, height, new ChannelSink(input, null));
        } else {
            lookForControl();
            input = await("0", deadline);
            listen(input, text -> apply(ExecProcess::closeInput), this::write, () -> apply(ExecProcess::closeInput));
            lookForControl();
            MessageChannel stdout = await("1", deadline);
            listen(stdout, text -> { }, data -> { }, () -> {
                if (control == null && !stdoutEnded) {
                    clientGone("1");
                }
            });
            MessageChannel stderr = await("2", deadline);
            listen(stderr, text -> { }, data -> { }, () -> { });
            lookForControl();
            io = new ExecIo.Pipes(new ChannelSink(stdout, () -> stdoutEnded = true), new ChannelSink(stderr, null));
        }

        ExecProcess started;
        try {
            started = exec.start(spec, command, io);
        } catch (DriverException e) {
            ended = true;
            context.updateMetadata(Map.of("return", -1));
            throw ApiException.badRequest(e.getMessage());
        }
        try {
            start(started);
            onStarted.run();
            int status = awaitEnd(started);
            ended = true;
            MessageChannel controlChannel = control;
            if (controlChannel != null) {
                controlChannel.close(); // as Incus: control first; the others when the operation ends
            }
            context.updateMetadata(Map.of("return", status));
            if (failure != null) {
                throw ApiException.badRequest(failure);
            }
            failIfNotExecuted(status);
        } catch (DriverException e) {
            ended = true;
            context.updateMetadata(Map.of("return", -1));
            throw ApiException.badRequest(e.getMessage());
        } finally {
            ended = true;
            started.close();
        }
    }

    /** Makes the command available to the callbacks and hands it what came before it. */
    private void start(ExecProcess started) {
        boolean gone;
        // Under the lock, so that input arriving meanwhile cannot overtake what came before the start (the
        // actions only queue things on the process, which never blocks).
        synchronized (this) {
            process = started;
            pending.forEach(action -> action.accept(started));
            pending.clear();
            gone = abandoned;
        }
        if (gone) {
            started.kill();
        }
    }

    /** Runs {@code action} on the command now, or once it started; in the order of the calls either way. */
    private void apply(Consumer<ExecProcess> action) {
        synchronized (this) {
            if (process == null) {
                pending.add(action);
                return;
            }
            action.accept(process);
        }
    }

    /** Waits for the command, connecting a late control stream meanwhile. */
    private int awaitEnd(ExecProcess started) throws InterruptedException {
        while (!started.waitFor(POLL_MILLIS, TimeUnit.MILLISECONDS)) {
            if (control == null) {
                lookForControl();
            }
        }
        return started.waitFor();
    }

    /** As Incus: exit statuses 127 and 126 mean the command could not be executed, and fail the operation. */
    static void failIfNotExecuted(int status) {
        if (status == 127) {
            throw ApiException.badRequest("Command not found");
        }
        if (status == 126) {
            throw ApiException.badRequest("Command not executable");
        }
    }

    private MessageChannel await(String name, long deadline) throws InterruptedException {
        long left = deadline - System.nanoTime();
        try {
            return streams.await(name, Math.max(0, left), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw ApiException.badRequest("Timed out waiting for websockets to connect");
        }
    }

    /** Starts listening to the (optional, non-interactive) control stream if it is connected by now. */
    private void lookForControl() throws InterruptedException {
        if (control != null) {
            return;
        }
        try {
            listenToControl(streams.await(CONTROL, 0, TimeUnit.NANOSECONDS));
        } catch (TimeoutException | IllegalStateException e) {
            // not connected (yet)
        }
    }

    private void listenToControl(MessageChannel channel) {
        control = channel;
        listen(channel, this::controlMessage, data -> controlMessage(new String(data, StandardCharsets.UTF_8)),
                () -> clientGone(CONTROL));
    }

    /**
     * Registers the handlers; a socket the client already closed (Vert.x refuses handlers then, and what it held is
     * lost) counts as closed at once.
     */
    private static void listen(MessageChannel channel, Consumer<String> onText, Consumer<byte[]> onBinary,
            Runnable onClose) {
        try {
            channel.listen(onText, onBinary, onClose);
        } catch (IllegalStateException e) {
            LOG.debug("exec stream closed before it was listened to: {}", e.getMessage());
            onClose.run();
        }
    }

    private void write(byte[] data) {
        apply(running -> {
            if (!ended && !running.write(data)) {
                failure = "The command does not read its input as fast as it is sent";
                LOG.warn("exec in {}: {}; killing it", spec.ref().name(), failure);
                running.kill();
            }
        });
    }

    /** {@code {"command":"window-resize","args":{"width":"80","height":"24"}}} or {@code {"command":"signal",...}}. */
    private void controlMessage(String text) {
        JsonNode message;
        try {
            message = Json.MAPPER.readTree(text);
        } catch (java.io.IOException e) {
            LOG.debug("exec control: not JSON: {}", text);
            return;
        }
        if (message == null) {
            return;
        }
        switch (message.path("command").asText()) {
            case "window-resize" -> {
                int w = number(message.path("args").path("width"));
                int h = number(message.path("args").path("height"));
                if (interactive && w > 0 && h > 0) {
                    apply(running -> running.resize(w, h));
                }
            }
            case "signal" -> {
                int signal = message.path("signal").asInt(0);
                if (signal > 0 && signal < 65) {
                    apply(running -> {
                        if (!ended) {
                            running.signal(signal);
                        }
                    });
                }
            }
            default -> LOG.debug("exec control: unknown command {}", text);
        }
    }

    /** Incus sends the sizes as strings ("80"); numbers are taken too. */
    private static int number(JsonNode node) {
        try {
            return Integer.parseInt(node.asText().trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private void clientGone(String stream) {
        if (ended) {
            return;
        }
        ExecProcess running;
        synchronized (this) {
            running = process;
            if (running == null) {
                abandoned = true;
                return;
            }
        }
        LOG.info("exec in {}: the client closed stream {} while the command ran; killing it", spec.ref().name(),
                stream);
        running.kill();
    }

    /** An output stream onto a websocket: binary messages, then the empty text message that marks the end. */
    private static final class ChannelSink implements ExecSink {
        private final MessageChannel channel;
        private final Runnable onEnd;

        ChannelSink(MessageChannel channel, Runnable onEnd) {
            this.channel = channel;
            this.onEnd = onEnd;
        }

        @Override
        public void write(byte[] data) {
            channel.sendBinary(data);
        }

        @Override
        public void end() {
            if (onEnd != null) {
                onEnd.run();
            }
            channel.sendText("");
        }
    }
}
