package dev.corral.systests;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;

/**
 * A minimal RFC 6455 websocket client over a unix socket: client handshake, masked frames out, text/binary
 * messages (with continuation frames) in, ping answered with pong, close handshake. Enough for
 * {@code /1.0/events} and {@code /1.0/operations/{id}/websocket}; java.net.http cannot dial unix sockets.
 *
 * <p>Threading: one daemon reader thread per connection calls the {@link Listener}; sends may come from any thread.
 */
final class WebSocket implements AutoCloseable {

    /** Receives what the server sends, on the reader thread. */
    interface Listener {
        void onText(String text);

        default void onBinary(byte[] data) {
        }

        /** The connection ended: a close frame (code, reason) or the stream ended (code 1006). */
        default void onClose(int code, String reason) {
        }

        default void onError(Throwable error) {
        }
    }

    /** The server did not switch protocols; carries its answer. */
    static final class HandshakeException extends IOException {
        private final transient UnixHttp.Response response;

        HandshakeException(UnixHttp.Response response) {
            super("websocket upgrade refused: HTTP " + response.status() + " " + Json.abbreviate(response.body(), 500));
            this.response = response;
        }

        UnixHttp.Response response() {
            return response;
        }
    }

    /** Largest frame sent; longer messages go out as continuation frames. */
    static final int FRAGMENT = 4096;

    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final Listener listener;
    private final Thread reader;
    private volatile boolean closeSent;

    private WebSocket(Socket socket, InputStream in, Listener listener, String name) throws IOException {
        this.socket = socket;
        this.in = in;
        this.out = socket.getOutputStream();
        this.listener = listener;
        this.reader = new Thread(this::readLoop, "websocket " + name);
        this.reader.setDaemon(true);
    }

    /** Connects to {@code pathAndQuery} (e.g. {@code /1.0/events?type=lifecycle}) on the unix socket. */
    static WebSocket connect(Path unixSocket, String pathAndQuery, Listener listener) throws IOException {
        return connect(unixSocket, pathAndQuery, Map.of(), listener);
    }

    static WebSocket connect(Path unixSocket, String pathAndQuery, Map<String, String> headers, Listener listener)
            throws IOException {
        Socket socket = UnixSockets.connect(unixSocket);
        try {
            byte[] nonce = new byte[16];
            RANDOM.nextBytes(nonce);
            String key = Base64.getEncoder().encodeToString(nonce);
            StringBuilder req = new StringBuilder()
                    .append("GET ").append(pathAndQuery).append(" HTTP/1.1\r\n")
                    .append("Host: corral\r\n")
                    .append("Upgrade: websocket\r\n")
                    .append("Connection: Upgrade\r\n")
                    .append("Sec-WebSocket-Key: ").append(key).append("\r\n")
                    .append("Sec-WebSocket-Version: 13\r\n");
            headers.forEach((k, v) -> req.append(k).append(": ").append(v).append("\r\n"));
            req.append("\r\n");
            socket.getOutputStream().write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();

            InputStream in = new java.io.BufferedInputStream(socket.getInputStream());
            in.mark(1 << 16);
            String statusLine = UnixHttp.readLine(in);
            if (statusLine == null || !statusLine.startsWith("HTTP/1.1 101")) {
                in.reset();
                throw new HandshakeException(UnixHttp.readResponse(in));
            }
            Map<String, String> answer = UnixHttp.readHeaders(in);
            String expected = accept(key);
            if (!expected.equals(answer.get("sec-websocket-accept"))) {
                throw new IOException("bad Sec-WebSocket-Accept " + answer.get("sec-websocket-accept")
                        + ", expected " + expected);
            }
            if (!"websocket".equalsIgnoreCase(answer.get("upgrade"))) {
                throw new IOException("101 without Upgrade: websocket: " + answer);
            }
            socket.setSoTimeout(0); // event streams may be quiet for long; close() ends the read
            WebSocket ws = new WebSocket(socket, in, listener, pathAndQuery);
            ws.reader.start();
            return ws;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private static String accept(String key) {
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA-1")
                    .digest((key + GUID).getBytes(StandardCharsets.ISO_8859_1));
            return Base64.getEncoder().encodeToString(sha1);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    void sendText(String text) throws IOException {
        sendMessage(0x1, text.getBytes(StandardCharsets.UTF_8));
    }

    void sendBinary(byte[] data) throws IOException {
        sendMessage(0x2, data);
    }

    /**
     * Writes one message as frames of at most {@value #FRAGMENT} bytes, the way the Go clients (gorilla/websocket,
     * 4 KiB write buffer) do: servers must reassemble continuation frames.
     */
    private synchronized void sendMessage(int opcode, byte[] payload) throws IOException {
        int off = 0;
        do {
            int len = Math.min(FRAGMENT, payload.length - off);
            boolean fin = off + len == payload.length;
            sendFrame(off == 0 ? opcode : 0x0, fin, payload, off, len);
            off += len;
        } while (off < payload.length);
    }

    private synchronized void sendFrame(int opcode, byte[] payload) throws IOException {
        sendFrame(opcode, true, payload, 0, payload.length);
    }

    private synchronized void sendFrame(int opcode, boolean fin, byte[] payload, int off, int len)
            throws IOException {
        ByteArrayOutputStream frame = new ByteArrayOutputStream(len + 14);
        frame.write((fin ? 0x80 : 0) | opcode);
        if (len < 126) {
            frame.write(0x80 | len);
        } else if (len < 65536) {
            frame.write(0x80 | 126);
            frame.write(len >>> 8);
            frame.write(len);
        } else {
            frame.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                frame.write((int) ((long) len >>> shift));
            }
        }
        byte[] mask = new byte[4];
        RANDOM.nextBytes(mask);
        frame.write(mask, 0, 4);
        for (int i = 0; i < len; i++) {
            frame.write(payload[off + i] ^ mask[i & 3]);
        }
        out.write(frame.toByteArray());
        out.flush();
    }

    private void readLoop() {
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        int messageOpcode = 0;
        try {
            while (true) {
                int b0 = readByte();
                int b1 = readByte();
                boolean fin = (b0 & 0x80) != 0;
                int opcode = b0 & 0x0f;
                long len = b1 & 0x7f;
                if (len == 126) {
                    len = (readByte() << 8) | readByte();
                } else if (len == 127) {
                    len = 0;
                    for (int i = 0; i < 8; i++) {
                        len = (len << 8) | readByte();
                    }
                }
                if ((b1 & 0x80) != 0) {
                    throw new IOException("server frames must not be masked");
                }
                if (len > (64 << 20)) {
                    throw new IOException("frame too large: " + len);
                }
                byte[] payload = in.readNBytes((int) len);
                if (payload.length != len) {
                    throw new EOFException("truncated frame");
                }
                switch (opcode) {
                    case 0x0, 0x1, 0x2 -> {
                        if (opcode != 0) {
                            messageOpcode = opcode;
                            message.reset();
                        }
                        message.write(payload);
                        if (fin) {
                            if (messageOpcode == 0x1) {
                                listener.onText(message.toString(StandardCharsets.UTF_8));
                            } else {
                                listener.onBinary(message.toByteArray());
                            }
                            message.reset();
                        }
                    }
                    case 0x8 -> {
                        int code = payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
                        String reason = payload.length > 2
                                ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) : "";
                        if (!closeSent) {
                            closeSent = true;
                            sendFrame(0x8, payload.length >= 2 ? new byte[] {payload[0], payload[1]} : new byte[0]);
                        }
                        socket.close();
                        listener.onClose(code, reason);
                        return;
                    }
                    case 0x9 -> sendFrame(0xA, payload);
                    case 0xA -> {
                        // unsolicited pong: nothing to do
                    }
                    default -> throw new IOException("unknown websocket opcode " + opcode);
                }
            }
        } catch (EOFException e) {
            listener.onClose(1006, "end of stream");
        } catch (IOException | RuntimeException e) {
            if (closeSent || socket.isClosed()) {
                listener.onClose(1006, "closed locally");
            } else {
                listener.onError(e);
            }
        } finally {
            try {
                socket.close();
            } catch (IOException ignored) {
                // already closing: nothing more to release
            }
        }
    }

    private int readByte() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException();
        }
        return b;
    }

    boolean isOpen() {
        return !socket.isClosed();
    }

    /** Sends a close frame (1000) if none was sent yet and closes the socket; the reader thread then ends. */
    @Override
    public void close() throws IOException {
        try {
            if (!closeSent && !socket.isClosed()) {
                closeSent = true;
                sendFrame(0x8, new byte[] {0x03, (byte) 0xe8});
            }
        } catch (IOException alreadyGone) {
            // the peer closed first: nothing to say goodbye to
        } finally {
            socket.close();
        }
        try {
            reader.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
