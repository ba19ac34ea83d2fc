package dev.corral.daemon.http;

import io.vertx.core.Future;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpServerRequest;
import java.nio.file.Path;
import java.util.UUID;

/** Request bodies too large to hold in memory (uploads): streamed to a new file on the event loop. */
public final class BodyFiles {

    private BodyFiles() {
    }

    /** Streams the body of {@code request} into a new file in {@code scratch}; the file is gone if that fails. */
    public static Future<Path> receive(Request request, Path scratch) {
        HttpServerRequest raw = request.raw();
        // Hold the body back until its destination is open.
        raw.pause();
        Path body = scratch.resolve(UUID.randomUUID().toString());
        var fileSystem = request.vertx().fileSystem();
        return fileSystem.mkdirs(scratch.toString())
                .compose(ignored -> fileSystem.open(body.toString(), new OpenOptions().setCreateNew(true)))
                .compose(file -> raw.pipeTo(file))
                .map(ignored -> body)
                .recover(failure -> fileSystem.delete(body.toString()).transform(ignored ->
                        Future.failedFuture(failure)));
    }
}
