package dev.corral.daemon.instances.exec;

import dev.corral.api.ApiException;
import dev.corral.instance.DriverException;
import dev.corral.instance.Exec;
import dev.corral.instance.ExecIo;
import dev.corral.instance.ExecProcess;
import dev.corral.instance.ExecRequest;
import dev.corral.instance.InstanceSpec;
import dev.corral.operations.OperationContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An exec without websockets (a task operation): no input; output discarded, or recorded into {@code
 * exec_<operation>.stdout} and {@code .stderr} in the instance's {@code exec-output} log directory.
 */
final class ExecTask {

    private final Exec exec;
    private final InstanceSpec spec;
    private final ExecRequest command;
    private final boolean record;
    private final String instanceName;
    private final Runnable onStarted;

    /** @param onStarted called once the command runs (the lifecycle event) */
    ExecTask(Exec exec, InstanceSpec spec, ExecRequest command, boolean record, String instanceName,
            Runnable onStarted) {
        this.onStarted = onStarted;
        this.exec = exec;
        this.spec = spec;
        this.command = command;
        this.record = record;
        this.instanceName = instanceName;
    }

    void run(OperationContext context) throws InterruptedException {
        Map<String, Object> metadata = new LinkedHashMap<>();
        Path stdout = null;
        Path stderr = null;
        if (record) {
            Path dir = ExecEndpoint.outputDir(spec);
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new IllegalStateException("cannot create " + dir + ": " + e.getMessage(), e);
            }
            stdout = dir.resolve("exec_" + context.id() + ".stdout");
            stderr = dir.resolve("exec_" + context.id() + ".stderr");
            metadata.put("output", Map.of(
                    "1", ExecEndpoint.outputUrl(instanceName, stdout.getFileName().toString()),
                    "2", ExecEndpoint.outputUrl(instanceName, stderr.getFileName().toString())));
        }
        int status;
        try (ExecProcess process = exec.start(spec, command, new ExecIo.Files(stdout, stderr))) {
            onStarted.run();
            status = process.waitFor();
        } catch (DriverException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        metadata.put("return", status);
        context.updateMetadata(metadata);
        ExecSession.failIfNotExecuted(status);
    }
}
