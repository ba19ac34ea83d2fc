package dev.corral.bench;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Reads HTTP/1.1 responses from a byte channel and discards their bodies.
 *
 * <p>Only what a load generator needs: the status code, the body framing (Content-Length, chunked, or
 * read-to-close) and whether the server will close the connection. Bytes that arrive past the end of one
 * response stay buffered for the next, so keep-alive works whatever the read boundaries are. A caller that
 * needs the body (to parse JSON) passes a sink that receives the payload bytes.
 *
 * <p>Not thread-safe: one reader per connection, used by one thread.
 */
final class ResponseReader {

    /** A response head line longer than this is treated as a protocol error, not buffered without end. */
    private static final int MAX_LINE = 16 * 1024;

    private final ReadableByteChannel channel;
    /** Unread bytes are between position and limit (buffer kept in "read" mode). */
    private final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
    /** Body bytes of the response being read (payload only: no chunk framing). */
    private long bodyBytes;
    /** Where the payload of the response being read is copied, or null to discard it. */
    private ByteArrayOutputStream sink;

    ResponseReader(ReadableByteChannel channel) {
        this.channel = channel;
        buffer.flip();
    }

    /** What one response said about itself; {@code bodyBytes} tells whether two servers sent alike payloads. */
    record Response(int status, boolean closeConnection, long bodyBytes) {
        boolean success() {
            return status >= 200 && status < 300;
        }
    }

    /**
     * Reads one full response.
     *
     * @param headRequest true when the request was HEAD, whose response has no body whatever its headers say
     */
    Response read(boolean headRequest) throws IOException {
        return read(headRequest, null);
    }

    /**
     * Reads one full response and copies its payload (without chunk framing) to {@code bodySink}.
     *
     * @param bodySink receives the body bytes, or null to discard them
     */
    Response read(boolean headRequest, ByteArrayOutputStream bodySink) throws IOException {
        bodyBytes = 0;
        sink = bodySink;
        String statusLine = readLine();
        int status = parseStatus(statusLine);
        boolean http10 = statusLine.startsWith("HTTP/1.0");
        long contentLength = -1;
        boolean chunked = false;
        boolean close = http10;
        for (int i = 0; i < 1000; i++) {
            String line = readLine();
            if (line.isEmpty()) {
                boolean noBody = headRequest || status / 100 == 1 || status == 204 || status == 304;
                if (noBody) {
                    return new Response(status, close, bodyBytes);
                }
                if (chunked) {
                    skipChunkedBody();
                } else if (contentLength >= 0) {
                    skip(contentLength);
                } else {
                    skipToEof();
                    close = true;
                }
                return new Response(status, close, bodyBytes);
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IOException("malformed header line: " + line);
            }
            String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim().toLowerCase(Locale.ROOT);
            switch (name) {
                case "content-length" -> contentLength = parseLength(value);
                case "transfer-encoding" -> chunked = value.endsWith("chunked");
                case "connection" -> close = value.contains("close") || (http10 && !value.contains("keep-alive"));
                default -> { }
            }
        }
        throw new IOException("more than 1000 header lines");
    }

    private static int parseStatus(String statusLine) throws IOException {
        // "HTTP/1.1 200 OK": the code is the three digits after the first space.
        int space = statusLine.indexOf(' ');
        if (!statusLine.startsWith("HTTP/") || space < 0 || statusLine.length() < space + 4) {
            throw new IOException("malformed status line: " + statusLine);
        }
        try {
            return Integer.parseInt(statusLine.substring(space + 1, space + 4));
        } catch (NumberFormatException e) {
            throw new IOException("malformed status line: " + statusLine, e);
        }
    }

    private static long parseLength(String value) throws IOException {
        try {
            long n = Long.parseLong(value);
            if (n < 0) {
                throw new IOException("negative Content-Length: " + value);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IOException("malformed Content-Length: " + value, e);
        }
    }

    private void skipChunkedBody() throws IOException {
        // Bounded by the data itself: every turn consumes at least one chunk-size line.
        while (true) {
            String sizeLine = readLine();
            int semicolon = sizeLine.indexOf(';');
            String hex = (semicolon >= 0 ? sizeLine.substring(0, semicolon) : sizeLine).trim();
            long size;
            try {
                size = Long.parseLong(hex, 16);
                if (size < 0) {
                    throw new IOException("negative chunk size: " + sizeLine);
                }
            } catch (NumberFormatException e) {
                throw new IOException("malformed chunk size: " + sizeLine, e);
            }
            if (size == 0) {
                skipTrailers();
                return;
            }
            skip(size);
            if (!readLine().isEmpty()) {
                throw new IOException("chunk not followed by CRLF");
            }
        }
    }

    private void skipTrailers() throws IOException {
        for (int i = 0; i < 1000; i++) {
            if (readLine().isEmpty()) {
                return;
            }
        }
        throw new IOException("more than 1000 trailer lines");
    }

    /** Returns the next line without its CRLF (a bare LF is accepted too). */
    private String readLine() throws IOException {
        int scanned = 0;
        while (true) {
            int start = buffer.position();
            for (int i = start + scanned; i < buffer.limit(); i++) {
                if (buffer.get(i) == '\n') {
                    int end = i > start && buffer.get(i - 1) == '\r' ? i - 1 : i;
                    if (end - start > MAX_LINE) {
                        throw new IOException("response line longer than " + MAX_LINE + " bytes");
                    }
                    String line = new String(buffer.array(), start, end - start, StandardCharsets.ISO_8859_1);
                    buffer.position(i + 1);
                    return line;
                }
            }
            scanned = buffer.remaining();
            if (scanned >= MAX_LINE) {
                throw new IOException("response line longer than " + MAX_LINE + " bytes");
            }
            fill();
        }
    }

    private void skip(long count) throws IOException {
        long left = count;
        while (left > 0) {
            if (!buffer.hasRemaining()) {
                fill();
            }
            int n = (int) Math.min(left, buffer.remaining());
            if (sink != null) {
                sink.write(buffer.array(), buffer.position(), n);
            }
            buffer.position(buffer.position() + n);
            left -= n;
            bodyBytes += n;
        }
    }

    private void skipToEof() throws IOException {
        while (true) {
            bodyBytes += buffer.remaining();
            if (sink != null) {
                sink.write(buffer.array(), buffer.position(), buffer.remaining());
            }
            buffer.position(buffer.limit());
            buffer.compact();
            int n = channel.read(buffer);
            buffer.flip();
            if (n < 0) {
                return;
            }
        }
    }

    /** Reads at least one more byte after the unread ones, or fails on end of stream. */
    private void fill() throws IOException {
        buffer.compact();
        int n;
        try {
            n = channel.read(buffer);
        } finally {
            buffer.flip();
        }
        if (n < 0) {
            throw new EOFException("connection closed by server mid-response");
        }
    }
}
