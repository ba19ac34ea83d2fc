package dev.corral.client;

import dev.corral.api.Image;
import dev.corral.api.ImageAliasesEntry;
import dev.corral.api.ImageAliasesEntryPut;
import dev.corral.api.ImagePut;
import dev.corral.api.NamePost;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.FileSystem;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.stream.Collectors;

final class ImagesImpl implements Images {

    private static final String BASE = "/1.0/images";

    private final Transport transport;
    private final ImageAliases aliases;

    ImagesImpl(Transport transport) {
        this.transport = transport;
        this.aliases = new AliasesImpl(transport);
    }

    private static String path(String fingerprint) {
        return BASE + "/" + Transport.seg(fingerprint);
    }

    @Override
    public CompletableFuture<List<String>> fingerprints() {
        return transport.<List<String>>get(transport.uri(BASE, "recursion", "0"), ClientJson.listOf(String.class))
                .thenApply(Names::of);
    }

    @Override
    public CompletableFuture<List<Image>> list() {
        return list(null);
    }

    @Override
    public CompletableFuture<List<Image>> list(String filter) {
        return transport.get(transport.uri(BASE, "recursion", "1",
                "filter", filter == null || filter.isBlank() ? null : filter), ClientJson.listOf(Image.class));
    }

    @Override
    public CompletableFuture<Image> get(String fingerprint) {
        return transport.toPublic(getInternal(fingerprint));
    }

    private Future<Image> getInternal(String fingerprint) {
        return transport.call(HttpMethod.GET, transport.uri(path(fingerprint)), null)
                .map(response -> Transport.metadata(response, ClientJson.type(Image.class)));
    }

    @Override
    public CompletableFuture<Void> update(String fingerprint, ImagePut put) {
        return transport.sync(HttpMethod.PUT, transport.uri(path(fingerprint)), put);
    }

    @Override
    public CompletableFuture<Void> patch(String fingerprint, ImagePut put) {
        return transport.sync(HttpMethod.PATCH, transport.uri(path(fingerprint)), put);
    }

    @Override
    public CompletableFuture<OperationHandle> delete(String fingerprint) {
        return transport.async(HttpMethod.DELETE, transport.uri(path(fingerprint)), null);
    }

    @Override
    public CompletableFuture<Void> deleteAndWait(String fingerprint, Duration timeout) {
        return transport.toPublic(transport.asyncInternal(HttpMethod.DELETE, transport.uri(path(fingerprint)), null)
                .compose(op -> op.awaitInternal(timeout)).mapEmpty());
    }

    @Override
    public ImageAliases aliases() {
        return aliases;
    }

    // ---- import ----

    @Override
    public CompletableFuture<OperationHandle> importImage(ImageImport request, Consumer<ImportProgress> progress) {
        return transport.toPublic(upload(request, progress).map(op -> op));
    }

    @Override
    public CompletableFuture<Image> importAndWait(ImageImport request, Duration timeout,
            Consumer<ImportProgress> progress) {
        return transport.toPublic(upload(request, progress)
                .compose(op -> op.awaitInternal(timeout))
                .compose(done -> {
                    Object fingerprint = done.metadata() == null ? null : done.metadata().get("fingerprint");
                    if (!(fingerprint instanceof String fp) || fp.isEmpty()) {
                        return Future.failedFuture(CorralException.protocol(
                                "the import operation ended without a fingerprint: " + done.metadata(), null));
                    }
                    return getInternal(fp);
                }));
    }

    /** Streams the file(s) as the body, reporting upload progress, and answers the import operation. */
    private Future<OperationHandleImpl> upload(ImageImport request, Consumer<ImportProgress> progress) {
        StreamDispatch<ImportProgress> reports = progress == null ? null
                : new StreamDispatch<>(progress::accept, transport.callbacks());
        if (reports != null) {
            reports.start(NO_SOURCE);
        }
        String boundary = "corral" + UUID.randomUUID().toString().replace("-", "");
        List<Object> pieces = new ArrayList<>();
        Map<String, String> headers = new LinkedHashMap<>();
        if (request.isSplit()) {
            headers.put("Content-Type", "multipart/form-data; boundary=" + boundary);
            pieces.add(Buffer.buffer(Multipart.partHeader(boundary, "metadata",
                    request.file().getFileName().toString(), true)));
            pieces.add(request.file());
            pieces.add(Buffer.buffer(Multipart.partHeader(boundary, request.virtualMachine() ? "rootfs.img" : "rootfs",
                    request.rootfs().getFileName().toString(), false)));
            pieces.add(request.rootfs());
            pieces.add(Buffer.buffer(Multipart.closing(boundary)));
        } else {
            headers.put("Content-Type", "application/octet-stream");
            pieces.add(request.file());
        }
        headers.putAll(headers(request));
        long total;
        try {
            total = BodyUpload.length(pieces);
        } catch (IOException e) {
            return Future.failedFuture(new IllegalArgumentException("cannot read the image file: " + e, e));
        }
        int[] lastPercent = {-1};
        LongConsumer onSent = reports == null ? null : done -> {
            int percent = total == 0 ? 100 : (int) (done * 100 / total);
            if (percent != lastPercent[0]) { // one report per whole percent
                lastPercent[0] = percent;
                reports.next(new ImportProgress(ImportProgress.Phase.UPLOAD, done, total, percent));
            }
        };
        return BodyUpload.send(transport, HttpMethod.POST, transport.uri(BASE), headers, pieces, onSent)
                .map(response -> {
                    OperationHandleImpl op = new OperationHandleImpl(transport, Transport.operation(response));
                    if (reports != null) {
                        op.onProgress(p -> reports.next(new ImportProgress(ImportProgress.Phase.IMPORT, -1, -1,
                                p.percent())));
                    }
                    return op;
                });
    }

    private static final StreamDispatch.Source NO_SOURCE = new StreamDispatch.Source() {
        @Override
        public void pause() {
        }

        @Override
        public void resume() {
        }

        @Override
        public void close() {
        }
    };

    /** The headers {@code incus image import} sends ({@code X-Incus-*}; Corral also reads {@code X-LXD-*}). */
    static Map<String, String> headers(ImageImport request) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (request.isPublic()) {
            headers.put("X-Incus-public", "true");
        }
        if (request.filename() != null) {
            headers.put("X-Incus-filename", request.filename());
        }
        if (!request.properties().isEmpty()) {
            headers.put("X-Incus-properties", request.properties().entrySet().stream()
                    .map(e -> form(e.getKey()) + "=" + form(e.getValue())).collect(Collectors.joining("&")));
        }
        if (!request.aliases().isEmpty()) {
            headers.put("X-Incus-aliases", request.aliases().stream().map(a -> "alias=" + form(a))
                    .collect(Collectors.joining("&")));
        }
        if (!request.profiles().isEmpty()) {
            headers.put("X-Incus-profiles", request.profiles().stream().map(p -> "profile=" + form(p))
                    .collect(Collectors.joining("&")));
        }
        return headers;
    }

    private static String form(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    // ---- export ----

    @Override
    public CompletableFuture<ExportedImage> export(String fingerprint, Path directory) {
        return transport.toPublic(exportInternal(fingerprint, directory));
    }

    private Future<ExportedImage> exportInternal(String fingerprint, Path directory) {
        FileSystem fs = transport.vertx().fileSystem();
        Path scratch = directory.resolve(".corral-export-" + UUID.randomUUID());
        String uri = transport.uri(path(fingerprint) + "/export");
        return transport.onContext(() -> transport.open(HttpMethod.GET, uri,
                        Transport.millis(transport.options().requestTimeout()))
                .compose(HttpClientRequest::send)
                .compose(resp -> {
                    if (resp.statusCode() != 200) {
                        return resp.body().compose(body -> Future.failedFuture(Transport.errorOf(
                                Transport.Response.of(resp, body))));
                    }
                    resp.pause(); // nothing may arrive before the file is open to take it; pipeTo resumes
                    return fs.open(scratch.toString(), new OpenOptions().setWrite(true).setCreateNew(true))
                            .compose(file -> resp.pipeTo(file))
                            .map(ignored -> resp);
                }))
                .compose(resp -> transport.vertx().executeBlocking(() -> place(fingerprint, directory, scratch,
                        resp.getHeader("Content-Type"), resp.getHeader("Content-Disposition")), false))
                .recover(failure -> fs.delete(scratch.toString()).transform(ignored ->
                        Future.failedFuture(transport.mapFailure(failure, uri))));
    }

    /** Moves a unified download into place, or splits a multipart one into its two files. */
    private static ExportedImage place(String fingerprint, Path directory, Path scratch, String contentType,
            String disposition) throws IOException {
        String boundary = Multipart.boundary(contentType);
        if (boundary == null) {
            Path target = directory.resolve(safeName(Multipart.filename(disposition), fingerprint));
            Files.move(scratch, target, StandardCopyOption.REPLACE_EXISTING);
            return new ExportedImage(fingerprint, target, null);
        }
        try {
            List<Multipart.Part> parts = Multipart.split(scratch, boundary, (field, filename) -> directory.resolve(
                    safeName(filename, "metadata".equals(field) ? fingerprint : fingerprint + "." + field)));
            Path metadata = null;
            Path rootfs = null;
            for (Multipart.Part part : parts) {
                if ("metadata".equals(part.name())) {
                    metadata = part.path();
                } else if (part.name().startsWith("rootfs")) {
                    rootfs = part.path();
                }
            }
            if (metadata == null || rootfs == null) {
                throw CorralException.protocol("a split image export without metadata and rootfs parts: " + parts,
                        null);
            }
            return new ExportedImage(fingerprint, metadata, rootfs);
        } finally {
            Files.deleteIfExists(scratch);
        }
    }

    /** A server-given file name, if it is a plain one; else the fallback. */
    static String safeName(String name, String fallback) {
        if (name == null) {
            return fallback;
        }
        String base = name.replace('\\', '/');
        base = base.substring(base.lastIndexOf('/') + 1).strip();
        if (base.isEmpty() || base.equals(".") || base.equals("..") || base.startsWith(".corral-export-")) {
            return fallback;
        }
        return base;
    }

    // ---- aliases ----

    private static final class AliasesImpl extends SimpleResources.Collection<ImageAliasesEntry>
            implements ImageAliases {

        AliasesImpl(Transport transport) {
            super(transport, BASE + "/aliases", ImageAliasesEntry.class);
        }

        @Override
        public CompletableFuture<Void> create(String name, String target, String description) {
            return transport.sync(HttpMethod.POST, transport.uri(BASE + "/aliases"),
                    new ImageAliasesEntry(name, description, target, null));
        }

        @Override
        public CompletableFuture<Void> update(String name, ImageAliasesEntryPut put) {
            return transport.sync(HttpMethod.PUT, transport.uri(path(name)), put);
        }

        @Override
        public CompletableFuture<Void> patch(String name, ImageAliasesEntryPut put) {
            return transport.sync(HttpMethod.PATCH, transport.uri(path(name)), put);
        }

        @Override
        public CompletableFuture<Void> rename(String name, String newName) {
            return transport.sync(HttpMethod.POST, transport.uri(path(name)), new NamePost(newName));
        }

        @Override
        public CompletableFuture<Void> delete(String name) {
            return transport.sync(HttpMethod.DELETE, transport.uri(path(name)), null);
        }
    }
}
