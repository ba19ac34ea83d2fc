package dev.corral.systests;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A deliberately small HTTP/1.1 client over a unix socket, one request per connection ({@code Connection: close}).
 *
 * <p>REST-assured ({@link Api}) is the client for ordinary requests. This one exists for what REST-assured cannot do
 * well: probing readiness without a filter chain, many concurrent requests from plain threads, and bodies the server
 * refuses before reading them all (the server may answer and close while the body is still being written; the answer
 * is read anyway).
 */
final class UnixHttp {

    /** One answer: status, headers (names lower-cased) and body text. */
    record Response(int status, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private UnixHttp() {
    }

    static Response get(Path socket, String path) throws IOException {
        return send(socket, "GET", path, Map.of(), null);
    }

    /**
     * Sends one request and reads the answer. A failure while writing the body (the server closed early) is
     * tolerated: what the server answered before closing is still read and returned.
     */
    static Response send(Path socket, String method, String path, Map<String, String> headers, byte[] body)
            throws IOException {
        try (Socket s = UnixSockets.connect(socket)) {
            StringBuilder head = new StringBuilder();
            head.append(method).append(' ').append(path).append(" HTTP/1.1\r\n");
            head.append("Host: corral\r\n");
            head.append("Connection: close\r\n");
            headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
            if (body != null) {
                head.append("Content-Length: ").append(body.length).append("\r\n");
            }
            head.append("\r\n");
            OutputStream out = s.getOutputStream();
            IOException writeFailure = null;
            try {
                out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
                if (body != null) {
                    for (int off = 0; off < body.length; off += 65536) {
                        out.write(body, off, Math.min(65536, body.length - off));
                    }
                }
                out.flush();
            } catch (IOException e) {
                writeFailure = e;
            }
            try {
                return readResponse(s.getInputStream());
            } catch (IOException e) {
                if (writeFailure != null) {
                    e.addSuppressed(writeFailure);
                }
                throw e;
            }
        }
    }

    static Response readResponse(InputStream in) throws IOException {
        String statusLine = readLine(in);
        if (statusLine == null || !statusLine.startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP response: " + statusLine);
        }
        int status = Integer.parseInt(statusLine.split(" ", 3)[1]);
        Map<String, String> headers = readHeaders(in);
        byte[] body;
        String length = headers.get("content-length");
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            body = readChunked(in);
        } else if (length != null) {
            body = in.readNBytes(Integer.parseInt(length.trim()));
        } else {
            body = in.readAllBytes();
        }
        return new Response(status, headers, new String(body, StandardCharsets.UTF_8));
    }

    /** Reads header lines up to the empty line; names lower-cased, repeated headers joined with ", ". */
    static Map<String, String> readHeaders(InputStream in) throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line = readLine(in); line != null && !line.isEmpty(); line = readLine(in)) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = line.substring(colon + 1).trim();
                headers.merge(name, value, (a, b) -> a + ", " + b);
            }
        }
        return headers;
    }

    /** One CRLF-terminated line, byte by byte (so nothing after the headers is consumed); null at end of stream. */
    static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, len, StandardCharsets.ISO_8859_1);
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
    }

    private static byte[] readChunked(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = readLine(in);
            if (sizeLine == null) {
                throw new IOException("truncated chunked body");
            }
            int semi = sizeLine.indexOf(';');
            int size = Integer.parseInt((semi >= 0 ? sizeLine.substring(0, semi) : sizeLine).trim(), 16);
            if (size == 0) {
                readHeaders(in); // trailers
                return body.toByteArray();
            }
            body.write(in.readNBytes(size));
            readLine(in);
        }
    }
}
