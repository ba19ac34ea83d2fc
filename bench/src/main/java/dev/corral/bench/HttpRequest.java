package dev.corral.bench;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A request serialised once, so the hot loop only copies bytes.
 *
 * @param method upper-case HTTP method
 * @param path   request target, starting with '/'
 * @param bytes  the full HTTP/1.1 request, head and body
 */
record HttpRequest(String method, String path, byte[] bytes) {

    static HttpRequest of(String method, String path, String jsonBody) {
        String m = method.toUpperCase(Locale.ROOT);
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("path must start with '/': " + path);
        }
        byte[] body = jsonBody == null ? new byte[0] : jsonBody.getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder()
                .append(m).append(' ').append(path).append(" HTTP/1.1\r\n")
                // Go's net/http (Incus) answers 400 to an HTTP/1.1 request without Host.
                .append("Host: localhost\r\n")
                .append("User-Agent: corral-bench\r\n")
                .append("Accept: application/json\r\n");
        if (jsonBody != null) {
            head.append("Content-Type: application/json\r\n");
        }
        if (jsonBody != null || m.equals("POST") || m.equals("PUT") || m.equals("PATCH")) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        byte[] headBytes = head.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[headBytes.length + body.length];
        System.arraycopy(headBytes, 0, all, 0, headBytes.length);
        System.arraycopy(body, 0, all, headBytes.length, body.length);
        return new HttpRequest(m, path, all);
    }

    boolean isHead() {
        return method.equals("HEAD");
    }
}
