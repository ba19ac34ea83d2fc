package dev.corral.client;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PushbackInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code multipart/form-data} as image uploads and exports use it: part headers out, and parts split out of a file. */
final class Multipart {

    /** One part written to disk. */
    record Part(String name, String filename, Path path) {
    }

    private static final Pattern BOUNDARY = Pattern.compile("boundary=(\"?)([^\";]+)\\1", Pattern.CASE_INSENSITIVE);
    private static final Pattern NAME = Pattern.compile("(?:^|;)\\s*name=(\"?)([^\";]*)\\1", Pattern.CASE_INSENSITIVE);
    private static final Pattern FILENAME = Pattern.compile("filename=(\"?)([^\";]*)\\1", Pattern.CASE_INSENSITIVE);
    private static final int BUFFER = 64 * 1024;

    private Multipart() {
    }

    /** The headers that open a file part (after the first part, {@code CRLF} first). */
    static String partHeader(String boundary, String field, String filename, boolean first) {
        return (first ? "" : "\r\n") + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field
                + "\"; filename=\"" + filename.replace("\"", "") + "\"\r\nContent-Type: application/octet-stream\r\n\r\n";
    }

    static String closing(String boundary) {
        return "\r\n--" + boundary + "--\r\n";
    }

    /** The boundary of a {@code multipart/...} content type, or null. */
    static String boundary(String contentType) {
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/")) {
            return null;
        }
        Matcher m = BOUNDARY.matcher(contentType);
        return m.find() ? m.group(2) : null;
    }

    /** The {@code filename} of a Content-Disposition header, or null. */
    static String filename(String contentDisposition) {
        if (contentDisposition == null) {
            return null;
        }
        Matcher m = FILENAME.matcher(contentDisposition);
        return m.find() ? m.group(2) : null;
    }

    /**
     * Splits a multipart body into files; {@code target} picks each part's file from its field name and file name.
     * Streams: memory use does not grow with the parts.
     */
    static List<Part> split(Path body, String boundary, BiFunction<String, String, Path> target) throws IOException {
        byte[] delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        List<Part> parts = new ArrayList<>();
        try (PushbackInputStream in = new PushbackInputStream(
                new BufferedInputStream(Files.newInputStream(body), BUFFER), 2 * (BUFFER + delimiter.length))) {
            // The preamble ends at the first delimiter, which may start the body without the CRLF.
            String first = readLine(in);
            while (first != null && !first.equals("--" + boundary)) {
                if (first.equals("--" + boundary + "--")) {
                    return parts;
                }
                first = readLine(in);
            }
            if (first == null) {
                throw new IOException("multipart body without its boundary " + boundary);
            }
            while (true) {
                String disposition = null;
                for (String line = readLine(in); line != null && !line.isEmpty(); line = readLine(in)) {
                    if (line.toLowerCase(Locale.ROOT).startsWith("content-disposition:")) {
                        disposition = line.substring("content-disposition:".length()).trim();
                    }
                }
                String name = "";
                String filename = null;
                if (disposition != null) {
                    Matcher n = NAME.matcher(disposition);
                    if (n.find()) {
                        name = n.group(2);
                    }
                    filename = filename(disposition);
                }
                Path path = target.apply(name, filename);
                try (OutputStream out = Files.newOutputStream(path)) {
                    copyUntil(in, out, delimiter);
                }
                parts.add(new Part(name, filename, path));
                int a = in.read();
                int b = in.read();
                if (a == '-' && b == '-') {
                    return parts;
                }
                if (a != '\r' || b != '\n') {
                    throw new IOException("malformed multipart body after part \"" + name + "\"");
                }
            }
        }
    }

    /** Copies until {@code delimiter} (consumed, not copied); fails at the end of the stream. */
    private static void copyUntil(PushbackInputStream in, OutputStream out, byte[] delimiter) throws IOException {
        byte[] buf = new byte[BUFFER + delimiter.length];
        int len = 0;
        while (true) {
            int n = in.read(buf, len, buf.length - len);
            if (n < 0) {
                throw new IOException("multipart body ends inside a part");
            }
            len += n;
            int found = indexOf(buf, len, delimiter);
            if (found >= 0) {
                out.write(buf, 0, found);
                // Bytes after the delimiter belong to what follows: hand them back through the stream.
                int rest = len - found - delimiter.length;
                if (rest > 0) {
                    in.unread(buf, found + delimiter.length, rest);
                }
                return;
            }
            int keep = Math.min(len, delimiter.length - 1);
            out.write(buf, 0, len - keep);
            System.arraycopy(buf, len - keep, buf, 0, keep);
            len = keep;
        }
    }

    private static int indexOf(byte[] data, int len, byte[] pattern) {
        outer:
        for (int i = 0; i + pattern.length <= len; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                byte[] bytes = line.toByteArray();
                int end = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, end, StandardCharsets.UTF_8);
            }
            line.write(c);
            if (line.size() > 16 * 1024) {
                throw new IOException("multipart header line too long");
            }
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
    }
}
