package dev.corral.daemon.images;

import dev.corral.api.ApiException;
import dev.corral.daemon.http.BodyFiles;
import dev.corral.daemon.http.Request;
import dev.corral.daemon.state.StateConflictException;
import dev.corral.storage.ImageInfo;
import dev.corral.storage.ImageStore;
import dev.corral.storage.ImageUpload;
import dev.corral.storage.Progress;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code POST /1.0/images} as clients send it: the body (a unified tarball, or a split image as
 * {@code multipart/form-data}) streams to a scratch file on the event loop, without being held in memory; the
 * import itself (checks, fingerprint, unpacking of metadata) then runs in an operation.
 */
public final class ImageUploads {

    /** A received body with the request headers the import reads ({@code X-Incus-*}, {@code X-LXD-*}). */
    public record Upload(Path body, Map<String, List<String>> headers) {

        public Upload {
            // HTTP header names are case-insensitive.
            Map<String, List<String>> byName = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            byName.putAll(headers);
            headers = byName;
        }
    }

    private final Path scratch;
    private final Images images;
    private final ImageStore store;

    public ImageUploads(Path scratch, Images images, ImageStore store) {
        this.scratch = scratch;
        this.images = images;
        this.store = store;
    }

    public Future<Upload> receive(Request request) {
        HttpServerRequest raw = request.raw();
        String contentType = raw.getHeader("Content-Type");
        if (contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            throw ApiException.badRequest("Only image uploads are supported: remote image sources are not");
        }
        Map<String, List<String>> headers = new java.util.HashMap<>();
        for (String name : raw.headers().names()) {
            headers.put(name, raw.headers().getAll(name));
        }
        return BodyFiles.receive(request, scratch).map(body -> new Upload(body, headers));
    }

    /** Imports a received upload and records it with its aliases; the scratch file is removed either way. */
    public ImageRecord complete(String project, Upload upload, Progress progress) throws IOException {
        try {
            return importFile(project, upload, progress);
        } finally {
            Files.deleteIfExists(upload.body());
        }
    }

    /** Imports an image file as if it had been uploaded with these headers, and records it with its aliases. */
    public ImageRecord importFile(String project, Upload upload, Progress progress) throws IOException {
        try (InputStream body = Files.newInputStream(upload.body())) {
            ImageUpload headers = ImageUpload.fromHeaders(name -> upload.headers().getOrDefault(name, List.of()));
            ImageInfo info = store.importImage(body, headers, Files.size(upload.body()), progress);
            ImageRecord record = new ImageRecord(info.fingerprint(), info.filename(), info.size(),
                    info.architecture(), info.type().wireName(), info.createdAt().toString(),
                    info.uploadedAt().toString(),
                    info.expiresAt() == null ? Images.NEVER : info.expiresAt().toString(), Images.NEVER,
                    info.isPublic(), false, info.properties(),
                    info.profiles().isEmpty() ? List.of("default") : info.profiles());
            try {
                images.add(project, record);
            } catch (RuntimeException e) {
                store.delete(record.fingerprint());
                throw e;
            }
            for (String alias : info.aliases()) {
                try {
                    images.aliases().insert(project, alias, new AliasRecord(alias, record.fingerprint(), "",
                            record.type()));
                } catch (StateConflictException e) {
                    throw ApiException.conflict("Alias \"" + alias + "\" already exists");
                }
            }
            return record;
        }
    }
}
