package dev.corral.daemon.instances.files;

import dev.corral.daemon.http.Endpoint;
import dev.corral.daemon.http.Route;
import dev.corral.daemon.instances.InstanceService;
import dev.corral.operations.OperationRegistry;
import java.util.List;

/** {@code /1.0/instances/{name}/files} and {@code /sftp}: files inside instances. */
public final class FilesEndpoint implements Endpoint {

    private final InstanceService instances;
    private final OperationRegistry operations;

    public FilesEndpoint(InstanceService instances, OperationRegistry operations) {
        this.instances = instances;
        this.operations = operations;
    }

    @Override
    public List<Route> routes() {
        return List.of();
    }
}
