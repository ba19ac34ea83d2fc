package dev.corral.daemon.images;

import dev.corral.api.ApiException;
import dev.corral.daemon.http.Request;
import dev.corral.daemon.state.StateConflictException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpServerRequest;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * {@code POST /1.0/images} as the clients send it: a unified tarball as the raw body, or a split image as
 * {@code multipart/form-data} ({@code metadata} + {@code rootfs}/{@code rootfs.img}), with {@code X-Incus-*}
 * (or the lxc 5.0 CLI's {@code X-LXD-*}) headers. The body streams to disk; nothing is held in memory.
 */
public final class ImageUploads {

    /** A received upload, waiting to be imported. */
    public record Upload(Path directory, Path metadata, Path rootfs, String fingerprint, String filename,
            boolean isPublic, Map<String, String> properties, List<String> aliases, List<String> profiles) {
    }

    private final Path uploads;
    private final Images images;
    private final ImageFiles files;

    public ImageUploads(Path uploads, Images images, ImageFiles files) {
        this.uploads = uploads;
        this.images = images;
        this.files = files;
    }

    /** Streams the request body into a scratch directory. */
    public Future<Upload> receive(Request request) {
        HttpServerRequest raw = request.raw();
        // Hold the body back until its destination is ready.
        raw.pause();
        String contentType = raw.getHeader("Content-Type") == null ? "" : raw.getHeader("Content-Type")
                .toLowerCase(Locale.ROOT);
        if (contentType.startsWith("application/json")) {
            raw.resume();
            throw ApiException.badRequest("Only image uploads are supported: remote image sources are not");
        }
        Path directory = uploads.resolve(UUID.randomUUID().toString());
        Future<Upload> received = request.blocking(() -> Files.createDirectories(directory))
                .compose(ignored -> contentType.startsWith("multipart/form-data")
                        ? receiveParts(raw, directory)
                        : receiveBody(raw, directory.resolve("image")))
                .map(parts -> new Upload(directory, parts.get(0), parts.size() > 1 ? parts.get(1) : null,
                        header(raw, "fingerprint"), header(raw, "filename"), isTrue(header(raw, "public")),
                        parseProperties(header(raw, "properties")), parseList(header(raw, "aliases"), "alias"),
                        parseList(header(raw, "profiles"), "profile")));
        return received.recover(failure -> request.blocking(() -> {
            removeTree(directory);
            return null;
        }).compose(ignored -> Future.failedFuture(failure)));
    }

    private static Future<List<Path>> receiveBody(HttpServerRequest raw, Path target) {
        var fileSystem = io.vertx.core.Vertx.currentContext().owner().fileSystem();
        return fileSystem.open(target.toString(), new OpenOptions().setWrite(true).setCreateNew(true))
                .compose(file -> raw.pipeTo(file))
                .map(ignored -> List.of(target));
    }

    private static Future<List<Path>> receiveParts(HttpServerRequest raw, Path directory) {
        Promise<List<Path>> done = Promise.promise();
        Map<String, Path> parts = new LinkedHashMap<>();
        List<Future<Void>> writes = new ArrayList<>();
        raw.setExpectMultipart(true);
        raw.uploadHandler(upload -> {
            String name = upload.name();
            if (!name.equals("metadata") && !name.equals("rootfs") && !name.equals("rootfs.img")) {
                done.tryFail(ApiException.badRequest("Unexpected part \"" + name
                        + "\": a split image has parts \"metadata\" and \"rootfs\" (or \"rootfs.img\")"));
                return;
            }
            Path file = directory.resolve(name);
            parts.put(name, file);
            writes.add(upload.streamToFileSystem(file.toString()));
        });
        raw.exceptionHandler(done::tryFail);
        raw.endHandler(ended -> Future.all(writes).onComplete(all -> {
            if (all.failed()) {
                done.tryFail(all.cause());
            } else if (!parts.containsKey("metadata")
                    || !(parts.containsKey("rootfs") || parts.containsKey("rootfs.img"))) {
                done.tryFail(ApiException.badRequest("A split image needs a \"metadata\" and a \"rootfs\" part"));
            } else {
                done.tryComplete(List.of(parts.get("metadata"),
                        parts.containsKey("rootfs") ? parts.get("rootfs") : parts.get("rootfs.img")));
            }
        }));
        raw.resume();
        return done.future();
    }

    /** Imports a received upload and records it (with its aliases); removes the scratch files either way. */
    public ImageRecord complete(String project, Upload upload, ImageFiles.Progress progress) throws IOException {
        try {
            ImageFiles.Imported imported = files.importImage(upload.metadata(), upload.rootfs(),
                    upload.fingerprint(), progress);
            String now = Instant.now().toString();
            ImageRecord record = new ImageRecord(imported.fingerprint(),
                    upload.filename() == null ? "" : upload.filename(), imported.size(), imported.architecture(),
                    imported.type(), imported.createdAt().toString(),
                    now, imported.expiresAt() == null ? "0001-01-01T00:00:00Z" : imported.expiresAt().toString(),
                    "0001-01-01T00:00:00Z", upload.isPublic(), false,
                    merged(imported.properties(), upload.properties()),
                    upload.profiles().isEmpty() ? List.of("default") : upload.profiles());
            try {
                images.add(project, record);
            } catch (RuntimeException e) {
                if (!images.exists(project, record.fingerprint())) {
                    files.delete(record.fingerprint());
                }
                throw e;
            }
            for (String alias : upload.aliases()) {
                try {
                    images.aliases().insert(project, alias, new AliasRecord(alias, record.fingerprint(), "",
                            record.type()));
                } catch (StateConflictException e) {
                    throw ApiException.conflict("Alias \"" + alias + "\" already exists");
                }
            }
            return record;
        } finally {
            removeTree(upload.directory());
        }
    }

    private static Map<String, String> merged(Map<String, String> base, Map<String, String> extra) {
        Map<String, String> result = new LinkedHashMap<>(base);
        result.putAll(extra);
        return result;
    }

    /** {@code X-Incus-<name>}, or the lxc 5.0 CLI's {@code X-LXD-<name>}. */
    private static String header(HttpServerRequest raw, String name) {
        String value = raw.getHeader("X-Incus-" + name);
        return value != null ? value : raw.getHeader("X-LXD-" + name);
    }

    private static boolean isTrue(String value) {
        return value != null && (value.equals("1") || value.equalsIgnoreCase("true"));
    }

    /** Properties come URL-encoded: {@code os=busybox&release=1.35}. */
    static Map<String, String> parseProperties(String header) {
        Map<String, String> properties = new LinkedHashMap<>();
        if (header == null || header.isBlank()) {
            return properties;
        }
        for (String pair : header.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                properties.put(decode(pair.substring(0, eq)), decode(pair.substring(eq + 1)));
            }
        }
        return properties;
    }

    /** A list header: URL-encoded {@code key=a&key=b}, or plain {@code a,b}. */
    static List<String> parseList(String header, String key) {
        List<String> values = new ArrayList<>();
        if (header == null || header.isBlank()) {
            return values;
        }
        if (header.contains("=")) {
            for (String pair : header.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0 && decode(pair.substring(0, eq)).equals(key) || eq > 0 && pair.startsWith("name=")) {
                    values.add(decode(pair.substring(eq + 1)));
                }
            }
        } else {
            for (String value : header.split(",")) {
                if (!value.isBlank()) {
                    values.add(value.trim());
                }
            }
        }
        return values;
    }

    private static String decode(String text) {
        return URLDecoder.decode(text, StandardCharsets.UTF_8);
    }

    private static void removeTree(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
