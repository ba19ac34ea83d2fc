package dev.corral.client;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The files API as the Go client speaks it: {@code GET} answers the raw content with {@code X-Incus-*} headers
 * (a directory: a sync envelope listing its entries), {@code POST} takes the raw content with {@code X-Incus-uid},
 * {@code -gid}, {@code -mode} ({@code %04o}), {@code -type} and {@code -write}. Answers' {@code X-LXD-*} headers are
 * read too (LXD, older daemons).
 */
final class InstanceFilesImpl implements InstanceFiles {

    private final Transport transport;

    InstanceFilesImpl(Transport transport) {
        this.transport = transport;
    }

    private String uri(String instance, String path) {
        if (path == null || !path.startsWith("/")) {
            throw new IllegalArgumentException("paths inside an instance are absolute: " + path);
        }
        return transport.uri("/1.0/instances/" + Transport.seg(instance) + "/files", "path", path);
    }

    static FileInfo info(MultiMap headers) {
        return new FileInfo(header(headers, "type", "file"), number(header(headers, "uid", "-1")),
                number(header(headers, "gid", "-1")), mode(header(headers, "mode", "-1")));
    }

    private static String header(MultiMap headers, String name, String fallback) {
        String value = headers.get("X-Incus-" + name);
        if (value == null || value.isEmpty()) {
            value = headers.get("X-LXD-" + name);
        }
        return value == null || value.isEmpty() ? fallback : value.trim();
    }

    private static long number(String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Incus sends the mode as {@code %04o}; a leading 0 means octal. */
    static int mode(String value) {
        try {
            return value.startsWith("0") && value.length() > 1 ? Integer.parseInt(value, 8) : Integer.parseInt(value);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public CompletableFuture<InstanceFile> pull(String instance, String path) {
        return transport.toPublic(transport.call(HttpMethod.GET, uri(instance, path), null).map(response -> {
            if (response.status() != 200) {
                throw Transport.errorOf(response);
            }
            FileInfo info = info(response.headers());
            if (info.isDirectory()) {
                List<String> entries = Transport.metadata(response, ClientJson.listOf(String.class));
                return new InstanceFile(info, new byte[0], entries == null ? List.of() : List.copyOf(entries));
            }
            return new InstanceFile(info, response.body().getBytes(), List.of());
        }));
    }

    @Override
    public CompletableFuture<FileInfo> pullTo(String instance, String path, Path target) {
        String uri = uri(instance, path);
        var fs = transport.vertx().fileSystem();
        return transport.toPublic(transport.onContext(() -> transport.open(HttpMethod.GET, uri,
                        Transport.millis(transport.options().requestTimeout()))
                .compose(HttpClientRequest::send)
                .compose(resp -> {
                    if (resp.statusCode() != 200) {
                        return resp.body().compose(body -> Future.failedFuture(Transport.errorOf(
                                Transport.Response.of(resp, body))));
                    }
                    FileInfo info = info(resp.headers());
                    if (info.isDirectory()) {
                        return resp.body().compose(ignored -> Future.failedFuture(new IllegalArgumentException(
                                path + " is a directory: pull() lists it")));
                    }
                    resp.pause(); // nothing may arrive before the file is open to take it; pipeTo resumes
                    return fs.open(target.toString(), new OpenOptions().setWrite(true).setCreate(true)
                                    .setTruncateExisting(true))
                            .compose(file -> resp.pipeTo(file))
                            .map(ignored -> info);
                }))
                .recover(failure -> Future.failedFuture(transport.mapFailure(failure, uri))));
    }

    private static Map<String, String> headers(String type, FileOptions options) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/octet-stream");
        headers.put("X-Incus-type", type);
        if (options.uid() > -1) {
            headers.put("X-Incus-uid", Long.toString(options.uid()));
        }
        if (options.gid() > -1) {
            headers.put("X-Incus-gid", Long.toString(options.gid()));
        }
        if (options.mode() > -1) {
            headers.put("X-Incus-mode", String.format("%04o", options.mode()));
        }
        headers.put("X-Incus-write", options.append() ? "append" : "overwrite");
        return headers;
    }

    private CompletableFuture<Void> post(String instance, String path, String type, FileOptions options,
            Object body) {
        String uri = uri(instance, path);
        return transport.toPublic(BodyUpload.send(transport, HttpMethod.POST, uri, headers(type, options),
                List.of(body), null).map(response -> {
                    Transport.envelope(response);
                    return null;
                }));
    }

    @Override
    public CompletableFuture<Void> push(String instance, String path, byte[] content, FileOptions options) {
        return post(instance, path, "file", options, Buffer.buffer(content));
    }

    @Override
    public CompletableFuture<Void> pushFrom(String instance, String path, Path source, FileOptions options) {
        return post(instance, path, "file", options, source);
    }

    @Override
    public CompletableFuture<Void> mkdir(String instance, String path, FileOptions options) {
        return post(instance, path, "directory", options, Buffer.buffer());
    }

    @Override
    public CompletableFuture<Void> symlink(String instance, String path, String target, FileOptions options) {
        return post(instance, path, "symlink", options, Buffer.buffer(target.getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public CompletableFuture<Void> delete(String instance, String path) {
        return transport.sync(HttpMethod.DELETE, uri(instance, path), null);
    }
}
