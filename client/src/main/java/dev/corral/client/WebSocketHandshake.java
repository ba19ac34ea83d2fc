package dev.corral.client;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;

/**
 * The client's opening handshake of RFC 6455 on a connection of its own: the upgrade request written by hand, the
 * answer read by hand; on 101 the connection becomes a {@link WebSocketChannel}, otherwise the answer (an Incus error
 * envelope) becomes the failure.
 *
 * <p>Why not Vert.x's HTTP client: measured with Vert.x 5.2, its {@code WebSocketClient} ignores a unix-domain
 * server address; its {@code HttpClientRequest.connect()} upgrade tunnel works, but keeps a pool slot for each open
 * tunnel (a few open websockets starve every other request), and a refused upgrade leaves the pooled connection
 * broken (the next request on it reads an empty 200). A plain {@code NetSocket} per websocket has none of that, and
 * is the same code for the unix socket and TLS.
 */
final class WebSocketHandshake {

    /** Bound on the answer's head and on an error body. */
    static final int MAX_ANSWER = 1 << 20;

    private final NetSocket socket;
    private final Vertx vertx;
    private final String key;
    private final String request;
    private final WebSocketChannel.Listener listener;
    private final Promise<WebSocketChannel> result = Promise.promise();
    private Buffer received = Buffer.buffer();
    private int status = -1;
    private MultiMap headers;
    private int bodyStart;

    private WebSocketHandshake(NetSocket socket, Vertx vertx, String key, String request,
            WebSocketChannel.Listener listener) {
        this.socket = socket;
        this.vertx = vertx;
        this.key = key;
        this.request = request;
        this.listener = listener;
    }

    /** Sends the upgrade request for {@code uri} on {@code socket} and answers the open channel. */
    static Future<WebSocketChannel> start(NetSocket socket, Vertx vertx, String host, String uri, String userAgent,
            WebSocketChannel.Listener listener) {
        String key = WebSocketChannel.newKey();
        String request = "GET " + uri + " HTTP/1.1\r\n"
                + "Host: " + host + "\r\n"
                + "User-Agent: " + userAgent + "\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + key + "\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n";
        WebSocketHandshake handshake = new WebSocketHandshake(socket, vertx, key, "GET " + uri, listener);
        socket.handler(handshake::read);
        socket.exceptionHandler(handshake::failed);
        socket.endHandler(ignored -> handshake.ended());
        socket.write(Buffer.buffer(request.getBytes(StandardCharsets.ISO_8859_1)))
                .onFailure(handshake::failed);
        return handshake.result.future();
    }

    private void read(Buffer data) {
        if (result.future().isComplete()) {
            return;
        }
        received.appendBuffer(data);
        if (status < 0) {
            int end = indexOf(received, "\r\n\r\n");
            if (end < 0) {
                if (received.length() > MAX_ANSWER) {
                    fail(CorralException.protocol("no end of the answer's head to the websocket upgrade", null));
                }
                return;
            }
            parseHead(received.getString(0, end, "ISO-8859-1"));
            bodyStart = end + 4;
            if (status < 0) {
                return; // failed
            }
            if (status == 101) {
                upgraded();
                return;
            }
        }
        // A refused upgrade: its body is the error; wait for all of it.
        String length = headers.get("Content-Length");
        if (length != null) {
            try {
                if (received.length() - bodyStart >= Long.parseLong(length.trim())) {
                    refused(received.getBuffer(bodyStart, bodyStart + Integer.parseInt(length.trim())));
                }
            } catch (NumberFormatException e) {
                fail(CorralException.protocol("bad Content-Length in the websocket upgrade answer: " + length, e));
            }
        } else if ("chunked".equalsIgnoreCase(headers.get("Transfer-Encoding"))) {
            Buffer body = dechunk(received.getBuffer(bodyStart, received.length()));
            if (body != null) {
                refused(body);
            }
        } else if (received.length() > MAX_ANSWER) {
            refused(received.getBuffer(bodyStart, received.length()));
        }
        // else: the body ends with the connection (see ended())
    }

    private void parseHead(String head) {
        String[] lines = head.split("\r\n");
        String[] statusLine = lines[0].split(" ", 3);
        if (statusLine.length < 2 || !statusLine[0].startsWith("HTTP/1.")) {
            fail(CorralException.protocol("not an HTTP answer to the websocket upgrade: " + lines[0], null));
            return;
        }
        headers = HttpHeaders.headers();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.add(lines[i].substring(0, colon).trim(), lines[i].substring(colon + 1).trim());
            }
        }
        try {
            status = Integer.parseInt(statusLine[1]);
        } catch (NumberFormatException e) {
            fail(CorralException.protocol("bad status in the websocket upgrade answer: " + lines[0], e));
        }
    }

    private void upgraded() {
        String accept = headers.get("Sec-WebSocket-Accept");
        if (!WebSocketChannel.accept(key).equals(accept)) {
            fail(CorralException.protocol("bad Sec-WebSocket-Accept in the upgrade answer: " + accept, null));
            return;
        }
        if (!"websocket".equalsIgnoreCase(headers.get("Upgrade"))) {
            fail(CorralException.protocol("101 without Upgrade: websocket", null));
            return;
        }
        Buffer early = received.getBuffer(bodyStart, received.length());
        received = null;
        WebSocketChannel channel = WebSocketChannel.attach(socket, vertx, listener);
        result.complete(channel);
        if (early.length() > 0) {
            channel.received(early); // frames that came with the 101
        }
    }

    private void refused(Buffer body) {
        fail(Transport.errorOf(new Transport.Response(status, headers, body, request)));
    }

    private void ended() {
        if (result.future().isComplete()) {
            return;
        }
        if (status >= 0 && status != 101) {
            refused(received.getBuffer(bodyStart, received.length()));
        } else {
            fail(CorralException.connection("the daemon closed the connection during the websocket upgrade ("
                    + request + ")", null));
        }
    }

    private void failed(Throwable error) {
        fail(error instanceof CorralException ? error
                : CorralException.connection("websocket upgrade failed (" + request + "): " + error.getMessage(),
                        error));
    }

    private void fail(Throwable error) {
        if (result.tryFail(error)) {
            socket.close();
        }
    }

    /** The body of a complete chunked encoding, or null while it is incomplete. */
    static Buffer dechunk(Buffer chunked) {
        Buffer body = Buffer.buffer();
        int pos = 0;
        while (true) {
            int lineEnd = indexOf(chunked, "\r\n", pos);
            if (lineEnd < 0) {
                return null;
            }
            String sizeText = chunked.getString(pos, lineEnd, "ISO-8859-1");
            int semicolon = sizeText.indexOf(';');
            int size;
            try {
                size = Integer.parseInt((semicolon >= 0 ? sizeText.substring(0, semicolon) : sizeText).trim(), 16);
            } catch (NumberFormatException e) {
                return body; // not chunked after all: what there is
            }
            if (size == 0) {
                return body;
            }
            if (chunked.length() < lineEnd + 2 + size + 2) {
                return null;
            }
            body.appendBuffer(chunked.getBuffer(lineEnd + 2, lineEnd + 2 + size));
            pos = lineEnd + 2 + size + 2;
        }
    }

    static int indexOf(Buffer buffer, String text) {
        return indexOf(buffer, text, 0);
    }

    static int indexOf(Buffer buffer, String text, int from) {
        byte[] pattern = text.getBytes(StandardCharsets.ISO_8859_1);
        outer:
        for (int i = from; i + pattern.length <= buffer.length(); i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (buffer.getByte(i + j) != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
