package dev.corral.operations;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The named streams of a websocket operation, each guarded by its own secret (Incus: {@code metadata.fds}). A client
 * connects a stream with {@code /1.0/operations/<id>/websocket?secret=<secret>}; each stream connects at most once.
 */
public final class Streams {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Map<String, String> secretByName = new LinkedHashMap<>();
    private final Map<String, CompletableFuture<MessageChannel>> channelByName = new ConcurrentHashMap<>();

    public Streams(String... names) {
        for (String name : names) {
            byte[] bytes = new byte[32];
            RANDOM.nextBytes(bytes);
            secretByName.put(name, HexFormat.of().formatHex(bytes));
            channelByName.put(name, new CompletableFuture<>());
        }
    }

    /** Stream name → secret, as put in the operation's {@code fds} metadata. */
    public Map<String, String> secrets() {
        return Map.copyOf(secretByName);
    }

    /** Attaches a connection to the stream with this secret; false if no stream has it or it is already taken. */
    boolean connect(String secret, MessageChannel channel) {
        String name = nameOf(secret);
        return name != null && channelByName.get(name).complete(channel);
    }

    /** True if the secret belongs to a stream nobody has connected yet. */
    boolean isOpen(String secret) {
        String name = nameOf(secret);
        return name != null && !channelByName.get(name).isDone();
    }

    private String nameOf(String secret) {
        for (Map.Entry<String, String> entry : secretByName.entrySet()) {
            if (constantTimeEquals(entry.getValue(), secret)) {
                return entry.getKey();
            }
        }
        return null;
    }

    /** Waits until the named stream is connected. */
    public MessageChannel await(String name, long timeout, TimeUnit unit)
            throws InterruptedException, TimeoutException {
        try {
            return channelByName.get(name).get(timeout, unit);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Closes every connected stream (at the end of the operation). */
    void closeAll() {
        for (CompletableFuture<MessageChannel> channel : channelByName.values()) {
            channel.cancel(false);
            if (channel.isDone() && !channel.isCancelled()) {
                channel.join().close();
            }
        }
    }

    private static boolean constantTimeEquals(String a, String b) {
        return java.security.MessageDigest.isEqual(a.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                b.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
