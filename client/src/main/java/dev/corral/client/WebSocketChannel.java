package dev.corral.client;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The client side of RFC 6455 on a connection whose upgrade succeeded ({@link WebSocketHandshake}): masked frames
 * out (messages split into frames of at most {@value #FRAGMENT} bytes), text and binary messages in (continuation
 * frames reassembled), pings answered with pongs, the close handshake in both directions. The {@link Listener} is
 * called on the connection's event loop and must not block; sends and {@link #close} may come from any thread.
 */
final class WebSocketChannel {

    /** What the server sends; exactly one of {@link #onClose} or {@link #onError} ends it. */
    interface Listener {
        /** The upgrade succeeded; called before any message. */
        default void onOpen(WebSocketChannel channel) {
        }

        void onText(String text);

        void onBinary(Buffer data);

        /** The connection is closed: the server's close code and reason, or 1006 if it vanished. */
        void onClose(int code, String reason);

        void onError(Throwable error);
    }

    static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    /** Largest message accepted from the server. */
    static final int MAX_MESSAGE = 64 << 20;
    /** Largest frame sent. */
    static final int FRAGMENT = 16 * 1024;
    /** How long to wait for the server's close frame after sending ours. */
    static final long CLOSE_GRACE_MS = 3000;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final NetSocket socket;
    private final Vertx vertx;
    private final Listener listener;
    private Buffer pending = Buffer.buffer();
    private Buffer message;
    private int messageOpcode;
    private int closeCode = 1006;
    private String closeReason = "connection lost";
    private boolean closeSent;
    private boolean ended;

    private WebSocketChannel(NetSocket socket, Vertx vertx, Listener listener) {
        this.socket = socket;
        this.vertx = vertx;
        this.listener = listener;
    }

    /** A fresh {@code Sec-WebSocket-Key}. */
    static String newKey() {
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        return Base64.getEncoder().encodeToString(nonce);
    }

    /** The {@code Sec-WebSocket-Accept} a server must answer to {@code key}. */
    static String accept(String key) {
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA-1").digest((key + GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(sha1);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-1", e);
        }
    }

    /** Takes over a socket whose upgrade succeeded; call on its event loop. */
    static WebSocketChannel attach(NetSocket socket, Vertx vertx, Listener listener) {
        WebSocketChannel channel = new WebSocketChannel(socket, vertx, listener);
        listener.onOpen(channel);
        socket.handler(channel::received);
        socket.exceptionHandler(channel::failed);
        socket.closeHandler(ignored -> channel.closed());
        return channel;
    }

    Future<Void> sendText(String text) {
        return send(0x1, Buffer.buffer(text.getBytes(StandardCharsets.UTF_8)));
    }

    Future<Void> sendBinary(Buffer data) {
        return send(0x2, data);
    }

    void pause() {
        socket.pause();
    }

    void resume() {
        socket.resume();
    }

    /** Starts the close handshake (normal closure); the socket closes when the server answers, or after a grace. */
    void close() {
        close(1000, "");
    }

    synchronized void close(int code, String reason) {
        if (closeSent || ended) {
            return;
        }
        closeSent = true;
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        Buffer payload = Buffer.buffer().appendUnsignedShort(code).appendBytes(text);
        socket.write(frame(0x8, payload)).onFailure(ignored -> socket.close());
        vertx.setTimer(CLOSE_GRACE_MS, id -> socket.close());
    }

    private synchronized Future<Void> send(int opcode, Buffer payload) {
        if (closeSent || ended) {
            return Future.failedFuture(CorralException.connection("the websocket is closed", null));
        }
        return socket.write(message(opcode, payload));
    }

    /**
     * A message as masked frames of at most {@value #FRAGMENT} bytes: servers cap frames (Vert.x at 64 KiB by
     * default) while they reassemble messages, and Go clients fragment too (4 KiB).
     */
    static Buffer message(int opcode, Buffer payload) {
        if (payload.length() <= FRAGMENT) {
            return frame(opcode, payload);
        }
        Buffer frames = Buffer.buffer(payload.length() + (payload.length() / FRAGMENT + 1) * 14);
        for (int off = 0; off < payload.length(); off += FRAGMENT) {
            int end = Math.min(payload.length(), off + FRAGMENT);
            frames.appendBuffer(frame(off == 0 ? opcode : 0x0, end == payload.length(), payload.getBuffer(off, end)));
        }
        return frames;
    }

    static Buffer frame(int opcode, Buffer payload) {
        return frame(opcode, true, payload);
    }

    /** One masked frame. */
    static Buffer frame(int opcode, boolean fin, Buffer payload) {
        int len = payload.length();
        Buffer frame = Buffer.buffer(len + 14);
        frame.appendByte((byte) ((fin ? 0x80 : 0) | opcode));
        if (len < 126) {
            frame.appendByte((byte) (0x80 | len));
        } else if (len < 65536) {
            frame.appendByte((byte) (0x80 | 126)).appendUnsignedShort(len);
        } else {
            frame.appendByte((byte) (0x80 | 127)).appendLong(len);
        }
        byte[] mask = new byte[4];
        RANDOM.nextBytes(mask);
        frame.appendBytes(mask);
        byte[] data = payload.getBytes();
        for (int i = 0; i < data.length; i++) {
            data[i] ^= mask[i & 3];
        }
        return frame.appendBytes(data);
    }

    /** Bytes from the server (from the socket, or those that came with the 101). */
    void received(Buffer data) {
        pending.appendBuffer(data);
        int pos = 0;
        try {
            while (!ended) {
                int available = pending.length() - pos;
                if (available < 2) {
                    break;
                }
                int b0 = pending.getUnsignedByte(pos);
                int b1 = pending.getUnsignedByte(pos + 1);
                if ((b1 & 0x80) != 0) {
                    throw CorralException.protocol("the server sent a masked websocket frame", null);
                }
                if ((b0 & 0x70) != 0) {
                    throw CorralException.protocol("the server sent websocket extension bits", null);
                }
                long len = b1 & 0x7f;
                int header = 2;
                if (len == 126) {
                    if (available < 4) {
                        break;
                    }
                    len = pending.getUnsignedShort(pos + 2);
                    header = 4;
                } else if (len == 127) {
                    if (available < 10) {
                        break;
                    }
                    len = pending.getLong(pos + 2);
                    header = 10;
                }
                if (len < 0 || len > MAX_MESSAGE) {
                    throw CorralException.protocol("websocket frame too large: " + len + " bytes", null);
                }
                if (available < header + len) {
                    break;
                }
                Buffer payload = pending.getBuffer(pos + header, pos + header + (int) len);
                pos += header + (int) len;
                frame((b0 & 0x80) != 0, b0 & 0x0f, payload);
            }
        } catch (CorralException e) {
            failed(e);
            return;
        }
        pending = pos == pending.length() ? Buffer.buffer() : pending.getBuffer(pos, pending.length());
    }

    private void frame(boolean fin, int opcode, Buffer payload) {
        switch (opcode) {
            case 0x0 -> {
                if (message == null) {
                    throw CorralException.protocol("websocket continuation frame without a message", null);
                }
                if (message.length() + payload.length() > MAX_MESSAGE) {
                    throw CorralException.protocol("websocket message too large", null);
                }
                message.appendBuffer(payload);
                if (fin) {
                    Buffer whole = message;
                    message = null;
                    deliver(messageOpcode, whole);
                }
            }
            case 0x1, 0x2 -> {
                if (message != null) {
                    throw CorralException.protocol("websocket message interleaved with an unfinished one", null);
                }
                if (fin) {
                    deliver(opcode, payload);
                } else {
                    message = Buffer.buffer().appendBuffer(payload);
                    messageOpcode = opcode;
                }
            }
            case 0x8 -> {
                closeCode = payload.length() >= 2 ? payload.getUnsignedShort(0) : 1005;
                closeReason = payload.length() > 2 ? payload.getString(2, payload.length(), "UTF-8") : "";
                synchronized (this) {
                    if (!closeSent) {
                        closeSent = true;
                        Buffer echo = payload.length() >= 2 ? payload.getBuffer(0, 2) : Buffer.buffer();
                        socket.write(frame(0x8, echo)).onComplete(ignored -> socket.close());
                        return;
                    }
                }
                socket.close();
            }
            case 0x9 -> {
                synchronized (this) {
                    if (!closeSent) {
                        socket.write(frame(0xA, payload));
                    }
                }
            }
            case 0xA -> {
                // an unsolicited pong: nothing to do
            }
            default -> throw CorralException.protocol("unknown websocket opcode " + opcode, null);
        }
    }

    private void deliver(int opcode, Buffer payload) {
        if (opcode == 0x1) {
            listener.onText(payload.toString(StandardCharsets.UTF_8));
        } else {
            listener.onBinary(payload);
        }
    }

    private void failed(Throwable error) {
        if (error instanceof HttpClosedException) {
            // The peer just closed the connection (Incus drops exec streams that way): an end, reported by closed().
            socket.close();
            return;
        }
        boolean report;
        synchronized (this) {
            // During the close handshake the connection ending is its end, not a failure: closed() reports it.
            report = !ended && !closeSent;
            if (report) {
                ended = true;
            }
        }
        socket.close();
        if (report) {
            listener.onError(error instanceof CorralException ? error
                    : CorralException.connection("websocket failed: " + error.getMessage(), error));
        }
    }

    private void closed() {
        boolean first;
        synchronized (this) {
            first = !ended;
            ended = true;
        }
        if (first) {
            listener.onClose(closeCode, closeReason);
        }
    }
}
