package dev.corral.client;

import dev.corral.api.Instance;
import dev.corral.api.InstancePost;
import dev.corral.api.InstancePut;
import dev.corral.api.InstanceState;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

final class InstancesImpl implements Instances {

    private static final String BASE = "/1.0/instances";

    private final Transport transport;
    private final InstanceFiles files;

    InstancesImpl(Transport transport) {
        this.transport = transport;
        this.files = new InstanceFilesImpl(transport);
    }

    @Override
    public InstanceFiles files() {
        return files;
    }

    private static String path(String name) {
        return BASE + "/" + Transport.seg(name);
    }

    @Override
    public CompletableFuture<List<String>> names() {
        return transport.<List<String>>get(transport.uri(BASE, "recursion", "0"), ClientJson.listOf(String.class))
                .thenApply(Names::of);
    }

    @Override
    public CompletableFuture<List<Instance>> list() {
        return list(null);
    }

    @Override
    public CompletableFuture<List<Instance>> list(String filter) {
        return transport.get(transport.uri(BASE, "recursion", "1", "filter", blankToNull(filter)),
                ClientJson.listOf(Instance.class));
    }

    @Override
    public CompletableFuture<List<Instance>> listWithState(String filter) {
        return transport.get(transport.uri(BASE, "recursion", "2", "filter", blankToNull(filter)),
                ClientJson.listOf(Instance.class));
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text;
    }

    @Override
    public CompletableFuture<Instance> get(String name) {
        return transport.toPublic(getInternal(name));
    }

    private Future<Instance> getInternal(String name) {
        return transport.call(HttpMethod.GET, transport.uri(path(name)), null)
                .map(response -> Transport.metadata(response, ClientJson.type(Instance.class)));
    }

    @Override
    public CompletableFuture<Instance> getWithState(String name) {
        return transport.get(transport.uri(path(name), "recursion", "1"), ClientJson.type(Instance.class));
    }

    @Override
    public CompletableFuture<InstanceState> state(String name) {
        return transport.get(transport.uri(path(name) + "/state"), ClientJson.type(InstanceState.class));
    }

    // ---- changes ----

    @Override
    public CompletableFuture<OperationHandle> create(CreateInstance request) {
        return transport.async(HttpMethod.POST, transport.uri(BASE), request.toWire());
    }

    @Override
    public CompletableFuture<Instance> createAndWait(CreateInstance request, Duration timeout) {
        return transport.toPublic(transport.asyncInternal(HttpMethod.POST, transport.uri(BASE), request.toWire())
                .compose(op -> op.awaitInternal(timeout).compose(done -> getInternal(
                        request.name() != null ? request.name() : createdName(op)))));
    }

    /** The name the daemon picked: the operation names the instance among its resources. */
    private static String createdName(OperationHandleImpl op) {
        return op.resources("instances").filter(list -> !list.isEmpty())
                .map(list -> Names.lastSegment(list.get(0)))
                .orElseThrow(() -> CorralException.protocol("the create operation names no instance", null));
    }

    @Override
    public CompletableFuture<OperationHandle> update(String name, InstancePut put) {
        return transport.async(HttpMethod.PUT, transport.uri(path(name)), put);
    }

    @Override
    public CompletableFuture<Instance> updateAndWait(String name, InstancePut put, Duration timeout) {
        return andWait(HttpMethod.PUT, path(name), put, timeout, name);
    }

    @Override
    public CompletableFuture<OperationHandle> patch(String name, InstancePut put) {
        return transport.async(HttpMethod.PATCH, transport.uri(path(name)), put);
    }

    @Override
    public CompletableFuture<Instance> patchAndWait(String name, InstancePut put, Duration timeout) {
        return andWait(HttpMethod.PATCH, path(name), put, timeout, name);
    }

    @Override
    public CompletableFuture<OperationHandle> rename(String name, String newName) {
        return transport.async(HttpMethod.POST, transport.uri(path(name)), renameBody(newName));
    }

    @Override
    public CompletableFuture<Instance> renameAndWait(String name, String newName, Duration timeout) {
        return andWait(HttpMethod.POST, path(name), renameBody(newName), timeout, newName);
    }

    private static InstancePost renameBody(String newName) {
        return new InstancePost(newName, null, null, null, null, null, null, null, null, null, null);
    }

    @Override
    public CompletableFuture<OperationHandle> delete(String name) {
        return transport.async(HttpMethod.DELETE, transport.uri(path(name)), null);
    }

    @Override
    public CompletableFuture<Void> deleteAndWait(String name, Duration timeout) {
        return transport.toPublic(transport.asyncInternal(HttpMethod.DELETE, transport.uri(path(name)), null)
                .compose(op -> op.awaitInternal(timeout)).mapEmpty());
    }

    @Override
    public CompletableFuture<OperationHandle> changeState(String name, StateChange change) {
        return transport.async(HttpMethod.PUT, transport.uri(path(name) + "/state"), change.toWire());
    }

    @Override
    public CompletableFuture<Instance> changeStateAndWait(String name, StateChange change, Duration timeout) {
        return andWait(HttpMethod.PUT, path(name) + "/state", change.toWire(), timeout, name);
    }

    /** The change, its operation's end, then the instance {@code result} as it is. */
    private CompletableFuture<Instance> andWait(HttpMethod method, String path, Object body, Duration timeout,
            String result) {
        return transport.toPublic(transport.asyncInternal(method, transport.uri(path), body)
                .compose(op -> op.awaitInternal(timeout))
                .compose(done -> getInternal(result)));
    }

    // ---- commands ----

    @Override
    public CompletableFuture<ExecSession> exec(String name, ExecRequest request, StreamCallback<ExecOutput> output) {
        return transport.toPublic(ExecSessionImpl.start(transport, name, request, output).map(s -> s));
    }

    @Override
    public CompletableFuture<ExecResult> execAndCollect(String name, ExecRequest request, Duration timeout) {
        return execAndCollect(name, request, null, timeout);
    }

    @Override
    public CompletableFuture<ExecResult> execAndCollect(String name, ExecRequest request, byte[] stdin,
            Duration timeout) {
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        CompletableFuture<Void> outputDone = new CompletableFuture<>();
        AtomicReference<ExecSession> running = new AtomicReference<>();
        CompletableFuture<ExecResult> result = new CompletableFuture<>();
        long timer = transport.vertx().setTimer(Transport.millis(timeout), fired -> transport.onCallbackThread(() -> {
            if (result.completeExceptionally(CorralException.timeout("the command " + request.command()
                    + " in " + name + " did not end within " + timeout))) {
                ExecSession session = running.get();
                if (session != null) {
                    session.close();
                }
            }
        }));
        exec(name, request, new StreamCallback<>() {
            @Override
            public void onNext(ExecOutput piece) {
                ByteArrayOutputStream target = piece.stream() == ExecOutput.Stream.STDERR ? stderr : stdout;
                synchronized (target) {
                    target.writeBytes(piece.data());
                }
            }

            @Override
            public void onError(Throwable error) {
                outputDone.completeExceptionally(error);
            }

            @Override
            public void onComplete() {
                outputDone.complete(null);
            }
        }).thenCompose(session -> {
            running.set(session);
            if (result.isDone()) {
                session.close(); // timed out while starting
            }
            CompletableFuture<Void> input = stdin == null || stdin.length == 0 ? session.closeStdin()
                    : session.writeStdin(stdin).thenCompose(ignored -> session.closeStdin());
            return input.thenCompose(ignored -> outputDone).thenCompose(ignored -> session.exitCode());
        }).whenComplete((code, failure) -> {
            transport.vertx().cancelTimer(timer);
            if (failure != null) {
                result.completeExceptionally(transport.mapFailure(failure, null));
            } else {
                byte[] out;
                byte[] err;
                synchronized (stdout) {
                    out = stdout.toByteArray();
                }
                synchronized (stderr) {
                    err = stderr.toByteArray();
                }
                result.complete(new ExecResult(code, out, err));
            }
        });
        return result;
    }

    @Override
    public CompletableFuture<ConsoleSession> console(String name, ConsoleRequest request,
            StreamCallback<byte[]> output) {
        return transport.toPublic(ConsoleSessionImpl.start(transport, name, request, output).map(s -> s));
    }

    @Override
    public CompletableFuture<byte[]> consoleLog(String name) {
        return transport.toPublic(transport.call(HttpMethod.GET, consoleUri(name), null).map(response -> {
            if (response.status() != 200) {
                throw Transport.errorOf(response);
            }
            return response.body().getBytes();
        }));
    }

    @Override
    public CompletableFuture<Void> clearConsoleLog(String name) {
        return transport.sync(HttpMethod.DELETE, consoleUri(name), null);
    }

    private String consoleUri(String name) {
        return transport.uri("/1.0/instances/" + Transport.seg(name) + "/console");
    }
}
