package dev.corral.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An in-memory, Incus-shaped instance API on a unix socket, for testing {@link LifecycleBench}: create (with
 * start), state changes, state, list, delete, and operations that are already finished when {@code /wait} is asked.
 * State changes follow Incus's rules (no delete while running, no freeze unless running...). Actions listed in
 * {@link #failing} fail inside their operation, like a driver error would.
 */
final class FakeInstanceServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final ServerSocketChannel server;
    /** name -> status (Running, Stopped, Frozen). */
    private final Map<String, String> instances = new TreeMap<>();
    private final Map<String, Map<String, Object>> operations = new ConcurrentHashMap<>();
    /** "action:name" pairs whose operation fails. */
    final Set<String> failing = ConcurrentHashMap.newKeySet();

    FakeInstanceServer() throws IOException {
        this.dir = Files.createTempDirectory(Path.of("/tmp"), "bench-fake-");
        this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket()));
        Thread acceptor = new Thread(this::acceptLoop, "fake-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    Path socket() {
        return dir.resolve("unix.socket");
    }

    synchronized Map<String, String> snapshot() {
        return new TreeMap<>(instances);
    }

    synchronized void put(String name, String status) {
        instances.put(name, status);
    }

    private void acceptLoop() {
        while (server.isOpen()) {
            try {
                SocketChannel c = server.accept();
                Thread t = new Thread(() -> serve(c), "fake-connection");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                // Closing the server ends accept() with an exception: that is how this loop stops.
                return;
            }
        }
    }

    private void serve(SocketChannel c) {
        try (c; InputStream in = Channels.newInputStream(c); OutputStream out = Channels.newOutputStream(c)) {
            // Ends when the client closes its connection.
            while (true) {
                String requestLine = readLine(in);
                if (requestLine == null) {
                    return;
                }
                int length = 0;
                for (String h = readLine(in); h != null && !h.isEmpty(); h = readLine(in)) {
                    if (h.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                        length = Integer.parseInt(h.substring(15).trim());
                    }
                }
                byte[] body = in.readNBytes(length);
                String[] parts = requestLine.split(" ");
                Object[] answer = handle(parts[0], parts[1], body.length == 0 ? null : JSON.readTree(body));
                byte[] json = JSON.writeValueAsBytes(answer[1]);
                out.write(("HTTP/1.1 " + answer[0] + " X\r\nContent-Type: application/json\r\nContent-Length: "
                        + json.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.write(json);
                out.flush();
            }
        } catch (IOException e) {
            // A client closing its connection mid-exchange (interrupted worker) is normal here.
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int ch;
        while ((ch = in.read()) >= 0) {
            if (ch == '\n') {
                String s = b.toString(StandardCharsets.ISO_8859_1);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            b.write(ch);
        }
        return null;
    }

    /** Returns {HTTP status, envelope}. */
    private synchronized Object[] handle(String method, String target, JsonNode body) {
        String path = target.contains("?") ? target.substring(0, target.indexOf('?')) : target;
        boolean recursion = target.contains("recursion=1");
        if (path.equals("/1.0/instances") && method.equals("GET")) {
            List<Object> list = new ArrayList<>();
            instances.forEach((n, s) -> list.add(recursion ? Map.of("name", n, "status", s) : "/1.0/instances/" + n));
            return sync(list);
        }
        if (path.equals("/1.0/instances") && method.equals("POST")) {
            String name = body.path("name").asText();
            if (instances.containsKey(name)) {
                return error(409, "Instance \"" + name + "\" already exists");
            }
            if (!body.path("source").path("alias").asText().equals("busybox")) {
                return error(404, "Image not found");
            }
            instances.put(name, body.path("start").asBoolean() ? "Running" : "Stopped");
            return operation(null);
        }
        if (path.startsWith("/1.0/operations/") && path.endsWith("/wait")) {
            Map<String, Object> op = operations.get(path.substring(16, path.length() - 5));
            return op == null ? error(404, "Operation not found") : sync(op);
        }
        if (path.startsWith("/1.0/instances/")) {
            String rest = path.substring(15);
            String name = rest.endsWith("/state") ? rest.substring(0, rest.length() - 6) : rest;
            String status = instances.get(name);
            if (status == null) {
                return error(404, "Instance not found");
            }
            if (rest.endsWith("/state") && method.equals("GET")) {
                return sync(Map.of("status", status, "pid", 42));
            }
            if (rest.endsWith("/state") && method.equals("PUT")) {
                String action = body.path("action").asText();
                String next = switch (action) {
                    case "stop" -> status.equals("Stopped") ? null : "Stopped";
                    case "start" -> status.equals("Running") ? null : "Running";
                    case "freeze" -> status.equals("Running") ? "Frozen" : null;
                    case "unfreeze" -> status.equals("Frozen") ? "Running" : null;
                    default -> null;
                };
                if (next == null) {
                    return error(400, "The instance is " + status.toLowerCase(Locale.ROOT) + "; cannot " + action);
                }
                if (failing.contains(action + ":" + name)) {
                    return operation("Failed " + action + " of " + name + ": injected failure");
                }
                instances.put(name, next);
                return operation(null);
            }
            if (method.equals("DELETE")) {
                if (!status.equals("Stopped")) {
                    return error(400, "Instance is running");
                }
                instances.remove(name);
                return operation(null);
            }
        }
        return error(404, "not found");
    }

    private Object[] operation(String err) {
        String id = UUID.randomUUID().toString();
        Map<String, Object> op = new LinkedHashMap<>();
        op.put("id", id);
        op.put("status", err == null ? "Success" : "Failure");
        op.put("status_code", err == null ? 200 : 400);
        op.put("err", err == null ? "" : err);
        operations.put(id, op);
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("type", "async");
        envelope.put("status", "Operation created");
        envelope.put("status_code", 100);
        envelope.put("operation", "/1.0/operations/" + id);
        envelope.put("metadata", Map.of("id", id, "status", "Running", "status_code", 103));
        return new Object[] {202, envelope};
    }

    private static Object[] sync(Object metadata) {
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("type", "sync");
        envelope.put("status", "Success");
        envelope.put("status_code", 200);
        envelope.put("metadata", metadata);
        return new Object[] {200, envelope};
    }

    private static Object[] error(int code, String message) {
        return new Object[] {code, Map.of("type", "error", "error", message, "error_code", code)};
    }

    @Override
    public void close() throws IOException {
        server.close();
        Files.deleteIfExists(socket());
        Files.deleteIfExists(dir);
    }
}
