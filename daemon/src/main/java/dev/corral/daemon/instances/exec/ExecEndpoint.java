package dev.corral.daemon.instances.exec;

import dev.corral.daemon.http.Endpoint;
import dev.corral.daemon.http.Route;
import dev.corral.daemon.instances.InstanceService;
import dev.corral.operations.OperationRegistry;
import java.util.List;

/** {@code POST /1.0/instances/{name}/exec}: commands inside instances, streamed over websockets. */
public final class ExecEndpoint implements Endpoint {

    private final InstanceService instances;
    private final OperationRegistry operations;

    public ExecEndpoint(InstanceService instances, OperationRegistry operations) {
        this.instances = instances;
        this.operations = operations;
    }

    @Override
    public List<Route> routes() {
        return List.of();
    }
}
