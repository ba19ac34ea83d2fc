package dev.corral.storage;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A streaming reader of {@code multipart/form-data} bodies (RFC 7578), as Go's {@code mime/multipart} writes them
 * for {@code incus image import META ROOTFS}: parts are read one after the other, each as a stream, without holding
 * a part in memory. Not thread-safe.
 */
final class MultipartReader {

    /** One part: its form field name, its file name (or null), and its data (valid until the next {@link #next}). */
    record Part(String name, String filename, InputStream data) {
    }

    private static final int MAX_HEADERS = 16 * 1024;

    private final InputStream in;
    private final byte[] delimiter;
    private byte[] buf = new byte[128 * 1024];
    private int pos;
    private int lim;
    private boolean eof;
    /** Whether the stream stands at a delimiter (the current part's data is finished). */
    private boolean atDelimiter;
    private boolean finished;
    private PartStream current;

    MultipartReader(InputStream in, String boundary) {
        this.in = in;
        this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        // The body's first delimiter has no CRLF before it: pretend it had, so all delimiters look alike.
        buf[0] = '\r';
        buf[1] = '\n';
        lim = 2;
    }

    /** The next part, or null after the closing delimiter. */
    Part next() throws IOException {
        if (finished) {
            return null;
        }
        if (current != null) {
            current.drain();
        } else {
            // Skip the preamble up to the first delimiter.
            new PartStream().drain();
        }
        // Past the delimiter: "--" closes the body, else (transport padding and) CRLF, then the part's headers.
        consume(delimiter.length);
        need(2);
        if (lim - pos >= 2 && buf[pos] == '-' && buf[pos + 1] == '-') {
            finished = true;
            return null;
        }
        String line = readLine();
        if (!line.isBlank()) {
            throw new IOException("malformed multipart body (text after a boundary)");
        }
        String name = null;
        String filename = null;
        int headerBytes = 0;
        while (true) {
            String header = readLine();
            headerBytes += header.length() + 2;
            if (headerBytes > MAX_HEADERS) {
                throw new IOException("malformed multipart body (part headers too long)");
            }
            if (header.isEmpty()) {
                break;
            }
            int colon = header.indexOf(':');
            if (colon > 0 && header.substring(0, colon).trim().equalsIgnoreCase("Content-Disposition")) {
                String value = header.substring(colon + 1);
                name = parameter(value, "name");
                filename = parameter(value, "filename");
            }
        }
        atDelimiter = false;
        current = new PartStream();
        return new Part(name, filename, current);
    }

    /** A parameter of a Content-Disposition value ({@code form-data; name="x"; filename="y"}), or null. */
    static String parameter(String value, String wanted) {
        int i = value.indexOf(';');
        while (i >= 0 && i < value.length()) {
            i++;
            while (i < value.length() && (value.charAt(i) == ' ' || value.charAt(i) == '\t')) {
                i++;
            }
            int eq = value.indexOf('=', i);
            if (eq < 0) {
                return null;
            }
            String key = value.substring(i, eq).trim().toLowerCase(Locale.ROOT);
            int j = eq + 1;
            String v;
            if (j < value.length() && value.charAt(j) == '"') {
                StringBuilder sb = new StringBuilder();
                j++;
                while (j < value.length() && value.charAt(j) != '"') {
                    char c = value.charAt(j);
                    if (c == '\\' && j + 1 < value.length()) {
                        c = value.charAt(++j);
                    }
                    sb.append(c);
                    j++;
                }
                v = sb.toString();
                j++;
            } else {
                int end = value.indexOf(';', j);
                v = (end < 0 ? value.substring(j) : value.substring(j, end)).trim();
                j = end < 0 ? value.length() : end;
            }
            if (key.equals(wanted)) {
                return v;
            }
            i = value.indexOf(';', j);
        }
        return null;
    }

    private String readLine() throws IOException {
        StringBuilder sb = new StringBuilder();
        while (true) {
            need(1);
            if (pos >= lim) {
                throw new EOFException("multipart body ends inside part headers");
            }
            byte b = buf[pos++];
            if (b == '\n') {
                int len = sb.length();
                if (len > 0 && sb.charAt(len - 1) == '\r') {
                    sb.setLength(len - 1);
                }
                return sb.toString();
            }
            if (sb.length() > MAX_HEADERS) {
                throw new IOException("malformed multipart body (header line too long)");
            }
            sb.append((char) (b & 0xff));
        }
    }

    private void consume(int n) throws IOException {
        need(n);
        if (lim - pos < n) {
            throw new EOFException("multipart body ends early");
        }
        pos += n;
    }

    /** Makes at least {@code n} bytes available unless the stream ends first. */
    private void need(int n) throws IOException {
        while (lim - pos < n && !eof) {
            if (pos > 0) {
                System.arraycopy(buf, pos, buf, 0, lim - pos);
                lim -= pos;
                pos = 0;
            }
            if (lim == buf.length) {
                buf = java.util.Arrays.copyOf(buf, buf.length * 2);
            }
            int r = in.read(buf, lim, buf.length - lim);
            if (r < 0) {
                eof = true;
            } else {
                lim += r;
            }
        }
    }

    private int indexOfDelimiter() {
        byte first = delimiter[0];
        int last = lim - delimiter.length;
        outer:
        for (int i = pos; i <= last; i++) {
            if (buf[i] != first) {
                continue;
            }
            for (int k = 1; k < delimiter.length; k++) {
                if (buf[i + k] != delimiter[k]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** The data of one part: up to (not including) the next delimiter. */
    private final class PartStream extends InputStream {

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (current != this && current != null || atDelimiter) {
                return -1;
            }
            if (len == 0) {
                return 0;
            }
            while (true) {
                int d = indexOfDelimiter();
                if (d == pos) {
                    atDelimiter = true;
                    return -1;
                }
                int available = d >= 0 ? d - pos : lim - pos - (delimiter.length - 1);
                if (available > 0) {
                    int n = Math.min(len, available);
                    System.arraycopy(buf, pos, b, off, n);
                    pos += n;
                    return n;
                }
                if (eof) {
                    throw new EOFException("multipart body ends before its closing boundary");
                }
                need(Math.max(delimiter.length, lim - pos + 1));
            }
        }

        void drain() throws IOException {
            byte[] skip = new byte[64 * 1024];
            while (read(skip, 0, skip.length) >= 0) {
                // discard
            }
        }
    }
}
