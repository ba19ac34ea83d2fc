package dev.corral.client;

import dev.corral.api.Operation;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpMethod;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Incus's exec protocol, client side (as {@code client/incus_instances.go} {@code ExecInstance} speaks it):
 * {@code POST /1.0/instances/{name}/exec} with {@code wait-for-websocket} answers an operation whose
 * {@code metadata.fds} holds one secret per stream: {@code control}, {@code 0}, and for a non-interactive command
 * {@code 1} and {@code 2}. The command starts once the streams are connected (control first, as the Go client
 * does). Data travels as binary messages; an empty text message is the end of a stream (a "barrier"); control
 * messages are JSON ({@code window-resize}, {@code signal}). The exit code is the finished operation's
 * {@code metadata.return}. The control stream stays open until the end: Incus kills the command when it closes.
 */
final class ExecSessionImpl implements ExecSession {

    private static final System.Logger LOG = System.getLogger(ExecSessionImpl.class.getName());

    private final Transport transport;
    private final OperationHandleImpl operation;
    private final boolean interactive;
    private final StreamDispatch<ExecOutput> dispatch;
    private final Promise<Integer> exit = Promise.promise();
    private final CompletableFuture<Integer> exitCode;
    private final AtomicBoolean finishing = new AtomicBoolean();
    private final AtomicBoolean stdinClosed = new AtomicBoolean();
    private final List<WebSocketStream> sockets = new ArrayList<>();
    private volatile WebSocketStream control;
    private volatile WebSocketStream stdin;
    private int openOutputs;

    private ExecSessionImpl(Transport transport, OperationHandleImpl operation, boolean interactive,
            StreamCallback<ExecOutput> callback) {
        this.transport = transport;
        this.operation = operation;
        this.interactive = interactive;
        this.dispatch = new StreamDispatch<>(callback, transport.callbacks());
        this.exitCode = transport.toPublic(exit.future());
        this.openOutputs = interactive ? 1 : 2;
    }

    static Future<ExecSessionImpl> start(Transport transport, String instance, ExecRequest request,
            StreamCallback<ExecOutput> callback) {
        String uri = transport.uri("/1.0/instances/" + Transport.seg(instance) + "/exec");
        return transport.asyncInternal(HttpMethod.POST, uri, request.toWire()).compose(op -> {
            Map<String, String> secrets = op.secrets();
            List<String> needed = request.interactive() ? List.of("control", "0") : List.of("control", "0", "1", "2");
            for (String stream : needed) {
                if (!secrets.containsKey(stream)) {
                    return Future.failedFuture(CorralException.protocol("the exec operation offers no stream \""
                            + stream + "\" (fds: " + secrets.keySet() + ")", null));
                }
            }
            ExecSessionImpl session = new ExecSessionImpl(transport, op, request.interactive(), callback);
            return session.connect(secrets).map(ignored -> session)
                    .onFailure(failure -> session.abortBeforeStart());
        });
    }

    /** Connects the streams in Incus's order; the callback starts once all are connected. */
    private Future<Void> connect(Map<String, String> secrets) {
        Future<Void> chain = open(secrets.get("control"), new Ignore()).map(socket -> {
            control = socket;
            return null;
        });
        chain = chain.compose(ignored -> open(secrets.get("0"), interactive ? new Output(ExecOutput.Stream.STDOUT)
                : new Ignore()).map(socket -> {
                    stdin = socket;
                    return null;
                }));
        if (!interactive) {
            chain = chain.compose(ignored -> open(secrets.get("1"), new Output(ExecOutput.Stream.STDOUT)))
                    .compose(ignored -> open(secrets.get("2"), new Output(ExecOutput.Stream.STDERR)))
                    .mapEmpty();
        }
        return chain.onSuccess(ignored -> dispatch.start(new StreamDispatch.Source() {
            @Override
            public void pause() {
                outputs().forEach(WebSocketStream::pause);
            }

            @Override
            public void resume() {
                outputs().forEach(WebSocketStream::resume);
            }

            @Override
            public void close() {
                ExecSessionImpl.this.close();
            }
        }));
    }

    /** The sockets that carry output: connected in the order control, 0, 1, 2. */
    private synchronized List<WebSocketStream> outputs() {
        int from = interactive ? 1 : 2;
        int to = interactive ? Math.min(2, sockets.size()) : sockets.size();
        return from >= to ? List.of() : new ArrayList<>(sockets.subList(from, to));
    }

    private Future<WebSocketStream> open(String secret, StreamCallback<WebSocketMessage> callback) {
        return operation.websocketInternal(secret, callback).map(socket -> {
            synchronized (this) {
                sockets.add(socket);
            }
            return socket;
        });
    }

    /**
     * Messages of a stream that carries no output (control; stdin of a non-interactive command). Its failure ends
     * nothing: the outputs and the operation tell how the command ended.
     */
    private static final class Ignore implements StreamCallback<WebSocketMessage> {
        @Override
        public void onNext(WebSocketMessage message) {
            // control answers nothing Incus documents; stdin carries nothing back
        }

        @Override
        public void onError(Throwable error) {
            LOG.log(System.Logger.Level.DEBUG, "exec input/control stream ended: " + error);
        }
    }

    /** An output stream: binary messages are data, a text message (the barrier) or the close ends it. */
    private final class Output implements StreamCallback<WebSocketMessage> {
        private final ExecOutput.Stream stream;
        private boolean ended;

        Output(ExecOutput.Stream stream) {
            this.stream = stream;
        }

        @Override
        public void onNext(WebSocketMessage message) {
            if (ended) {
                return;
            }
            if (message.isText()) {
                end();
            } else if (message.data().length > 0) {
                dispatch.next(new ExecOutput(stream, message.data()));
            }
        }

        /**
         * A broken output stream ends that stream, as in the Go client: Incus resets exec sockets when a command
         * fails or ends early, and the operation then says what happened (a daemon that is gone fails the wait).
         */
        @Override
        public void onError(Throwable error) {
            LOG.log(System.Logger.Level.DEBUG, "exec " + stream + " stream broke: " + error);
            end();
        }

        @Override
        public void onComplete() {
            end();
        }

        private void end() {
            if (!ended) {
                ended = true;
                outputEnded();
            }
        }
    }

    private void outputEnded() {
        boolean all;
        synchronized (this) {
            all = --openOutputs == 0;
        }
        if (all) {
            finish();
        }
    }

    /**
     * All output is in: the input stream is closed (as the Go client does; Incus ends an interactive command's
     * operation only once the client closed the terminal stream), then the exit code is the operation's
     * {@code return}. Control stays open until then: closing it while the command runs would kill the command.
     */
    private void finish() {
        if (!finishing.compareAndSet(false, true)) {
            return;
        }
        if (stdinClosed.compareAndSet(false, true)) {
            stdin.sendTextInternal("");
        }
        stdin.close();
        operation.awaitInternal(transport.options().requestTimeout()).onComplete(done -> {
            closeSockets();
            if (done.failed()) {
                exit.tryFail(done.cause());
                dispatch.fail(transport.mapFailure(done.cause(), null));
                return;
            }
            Integer code = exitCodeOf(done.result());
            if (code == null) {
                CorralException error = CorralException.protocol("the exec operation ended without a return code: "
                        + done.result().metadata(), null);
                exit.tryFail(error);
                dispatch.fail(error);
            } else {
                exit.tryComplete(code);
                dispatch.complete();
            }
        });
    }

    static Integer exitCodeOf(Operation op) {
        Map<String, Object> metadata = op.metadata();
        return metadata != null && metadata.get("return") instanceof Number n ? n.intValue() : null;
    }

    private void abortBeforeStart() {
        finishing.set(true);
        closeSockets();
        dispatch.abandon();
    }

    private void closeSockets() {
        List<WebSocketStream> all;
        synchronized (this) {
            all = new ArrayList<>(sockets);
        }
        all.forEach(WebSocketStream::close);
    }

    @Override
    public OperationHandle operation() {
        return operation;
    }

    @Override
    public CompletableFuture<Void> writeStdin(byte[] data) {
        if (stdinClosed.get()) {
            return CompletableFuture.failedFuture(new IllegalStateException("stdin is closed"));
        }
        return transport.toPublic(stdin.sendBinaryInternal(data));
    }

    @Override
    public CompletableFuture<Void> closeStdin() {
        return transport.toPublic(closeStdinInternal());
    }

    private Future<Void> closeStdinInternal() {
        if (!stdinClosed.compareAndSet(false, true)) {
            return Future.succeededFuture();
        }
        // The barrier alone: the socket stays open until the command ends (for an interactive command it also
        // carries the output), so a daemon that only starts listening to it later still reads the end of input.
        return stdin.sendTextInternal("");
    }

    @Override
    public CompletableFuture<Void> pipeStdin(InputStream in) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        transport.onCallbackThread(() -> {
            byte[] buffer = new byte[32 * 1024];
            try (in) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    if (n > 0) {
                        writeStdin(Arrays.copyOf(buffer, n)).join();
                    }
                }
                closeStdin().join();
                done.complete(null);
            } catch (IOException | RuntimeException e) {
                done.completeExceptionally(e instanceof IOException
                        ? CorralException.connection("cannot read stdin: " + e.getMessage(), e) : e);
            }
        });
        return done;
    }

    @Override
    public CompletableFuture<Void> resize(int columns, int rows) {
        return control(Map.of("command", "window-resize",
                "args", Map.of("width", Integer.toString(columns), "height", Integer.toString(rows))));
    }

    @Override
    public CompletableFuture<Void> signal(int signal) {
        return control(Map.of("command", "signal", "signal", signal));
    }

    private CompletableFuture<Void> control(Map<String, Object> message) {
        try {
            return transport.toPublic(control.sendTextInternal(ClientJson.MAPPER.writeValueAsString(message)));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return CompletableFuture.failedFuture(new IllegalStateException(e));
        }
    }

    @Override
    public CompletableFuture<Integer> exitCode() {
        return exitCode;
    }

    @Override
    public void close() {
        closeSockets();
    }
}
