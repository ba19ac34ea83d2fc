package dev.corral.daemon.http;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpServerResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

/** Streams files as a response body without loading them into memory. */
final class FileSender {

    private FileSender() {
    }

    static void send(HttpServerResponse response, ApiResponse.Files answer) {
        List<Path> files = answer.files();
        if (files.size() == 1) {
            Path file = files.get(0);
            response.putHeader("Content-Type", "application/octet-stream")
                    .putHeader("Content-Disposition", "attachment; filename=" + file.getFileName())
                    .sendFile(file.toString());
            return;
        }
        String boundary = UUID.randomUUID().toString().replace("-", "");
        response.setChunked(true).putHeader("Content-Type", "multipart/form-data; boundary=" + boundary);
        Future<Void> written = Future.succeededFuture();
        for (int i = 0; i < files.size(); i++) {
            Path file = files.get(i);
            String part = (i == 0 ? "" : "\r\n") + "--" + boundary + "\r\nContent-Disposition: form-data; name=\""
                    + answer.partNames().get(i) + "\"; filename=\"" + file.getFileName()
                    + "\"\r\nContent-Type: application/octet-stream\r\n\r\n";
            written = written.compose(ignored -> response.write(Buffer.buffer(part)))
                    .compose(ignored -> pipe(response, file));
        }
        written.compose(ignored -> response.end(Buffer.buffer("\r\n--" + boundary + "--\r\n")))
                .onFailure(failure -> response.reset());
    }

    private static Future<Void> pipe(HttpServerResponse response, Path file) {
        var vertx = io.vertx.core.Vertx.currentContext().owner();
        return vertx.fileSystem().open(file.toString(), new OpenOptions().setRead(true).setWrite(false))
                .compose(source -> source.pipe().endOnSuccess(false).to(response)
                        .eventually(() -> source.close()));
    }
}
