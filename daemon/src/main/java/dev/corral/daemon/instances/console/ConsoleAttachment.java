package dev.corral.daemon.instances.console;

import com.fasterxml.jackson.databind.JsonNode;
import dev.corral.api.ApiException;
import dev.corral.api.Json;
import dev.corral.instance.DriverException;
import dev.corral.instance.ExecSink;
import dev.corral.instance.InstanceConsole;
import dev.corral.instance.InstanceSpec;
import dev.corral.operations.MessageChannel;
import dev.corral.operations.OperationContext;
import dev.corral.operations.Streams;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The work of a console operation, speaking Incus 6.0's protocol on its two streams:
 *
 * <ul>
 *   <li>{@code 0}: the console both ways, as binary messages (a text message ends the input, as in Incus's
 *       mirror); when the console goes away (the instance stopped) an empty text message, then the end.</li>
 *   <li>{@code control}: JSON text, {@code {"command":"window-resize","args":{"width":"80","height":"24"}}}.
 *       Closing it detaches: what {@code incus console} does on ctrl+a q.</li>
 * </ul>
 * The console is attached once {@code 0} is connected (within 5 s, else the operation fails as exec's does);
 * detaching, by either stream's close or a cancel (another client's {@code force}), leaves the instance running.
 * The operation then succeeds (cancelled for a cancel), as Incus's does.
 *
 * <p>Threading: {@link #run} runs on an operation worker; socket callbacks come from the event loop and only hand
 * things to the session, which never blocks.
 */
final class ConsoleAttachment {

    static final String DATA = "0";
    static final String CONTROL = "control";
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleAttachment.class);
    private static final long CONNECT_TIMEOUT_MILLIS = 5_000;
    private static final long POLL_MILLIS = 100;

    private final InstanceConsole console;
    private final InstanceSpec spec;
    private final int width;
    private final int height;
    private final Streams streams;
    private final Runnable onAttached;
    private final CountDownLatch detached = new CountDownLatch(1);
    private volatile InstanceConsole.ConsoleSession session;
    private volatile MessageChannel control;
    private volatile boolean inputEnded;

    /** @param onAttached called once the console is attached (the lifecycle event) */
    ConsoleAttachment(InstanceConsole console, InstanceSpec spec, int width, int height, Streams streams,
            Runnable onAttached) {
        this.console = console;
        this.spec = spec;
        this.width = width;
        this.height = height;
        this.streams = streams;
        this.onAttached = onAttached;
    }

    void run(OperationContext context) throws Exception {
        MessageChannel data;
        try {
            data = streams.await(DATA, CONNECT_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw ApiException.badRequest("Timed out waiting for websockets to connect");
        }
        try {
            session = console.attach(spec, width, height, new ChannelSink(data));
        } catch (DriverException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        try {
            onAttached.run();
            listen(data, text -> inputEnded = true, this::input, () -> detach(DATA));
            lookForControl();
            while (!detached.await(POLL_MILLIS, TimeUnit.MILLISECONDS)) {
                if (control == null) {
                    lookForControl();
                }
            }
        } finally {
            session.close();
            MessageChannel controlChannel = control;
            if (controlChannel != null) {
                controlChannel.close();
            }
        }
    }

    private void input(byte[] bytes) {
        InstanceConsole.ConsoleSession s = session;
        if (inputEnded || s == null) {
            return;
        }
        if (!s.write(bytes)) {
            LOG.warn("console of {}: input comes faster than the console takes it; detaching", spec.ref().name());
            detach("0 (input backlog)");
        }
    }

    private void detach(String why) {
        if (detached.getCount() > 0) {
            LOG.debug("console of {}: detaching ({})", spec.ref().name(), why);
            detached.countDown();
        }
    }

    private void lookForControl() throws InterruptedException {
        if (control != null) {
            return;
        }
        MessageChannel channel;
        try {
            channel = streams.await(CONTROL, 0, TimeUnit.NANOSECONDS);
        } catch (TimeoutException | IllegalStateException e) {
            return; // not connected (yet)
        }
        control = channel;
        listen(channel, this::controlMessage, bytes -> controlMessage(new String(bytes, StandardCharsets.UTF_8)),
                () -> detach(CONTROL));
    }

    /** Registers the handlers; a socket that is already closed counts as closed at once. */
    private static void listen(MessageChannel channel, Consumer<String> onText, Consumer<byte[]> onBinary,
            Runnable onClose) {
        try {
            channel.listen(onText, onBinary, onClose);
        } catch (IllegalStateException e) {
            onClose.run();
        }
    }

    private void controlMessage(String text) {
        JsonNode message;
        try {
            message = Json.MAPPER.readTree(text);
        } catch (java.io.IOException e) {
            LOG.debug("console control: not JSON: {}", text);
            return;
        }
        if (message == null || !"window-resize".equals(message.path("command").asText())) {
            LOG.debug("console control: ignored {}", text);
            return;
        }
        int w = number(message.path("args").path("width"));
        int h = number(message.path("args").path("height"));
        InstanceConsole.ConsoleSession s = session;
        if (s != null && w > 0 && h > 0) {
            s.resize(w, h);
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

    /** The console's output onto stream 0; its end (the instance stopped) ends the session. */
    private final class ChannelSink implements ExecSink {
        private final MessageChannel channel;

        ChannelSink(MessageChannel channel) {
            this.channel = channel;
        }

        @Override
        public void write(byte[] bytes) {
            channel.sendBinary(bytes);
        }

        @Override
        public void end() {
            channel.sendText("");
            detach("the console went away");
        }
    }
}
