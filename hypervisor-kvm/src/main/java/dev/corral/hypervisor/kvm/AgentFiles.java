package dev.corral.hypervisor.kvm;

import dev.corral.instance.DriverException;
import dev.corral.instance.InstanceFiles;
import dev.corral.instance.InstanceSpec;
import dev.corral.instance.InstanceStatus;
import java.nio.file.FileSystem;

/**
 * Files inside a running VM through its guest agent ({@link AgentFileSystem}). Unlike a container's, a VM's files
 * are reachable only while it runs and its agent answers: otherwise opening fails with the reason. The guest's own
 * kernel resolves paths, so links and {@code ..} stay inside the VM; ids are the guest's.
 */
final class AgentFiles implements InstanceFiles {

    private final LibvirtDriver driver;
    private final GuestAgent agent;

    AgentFiles(LibvirtDriver driver, GuestAgent agent) {
        this.driver = driver;
        this.agent = agent;
    }

    @Override
    public FileSystem open(InstanceSpec spec) {
        if (driver.status(spec.ref()) != InstanceStatus.RUNNING) {
            throw new DriverException("The instance isn't running: files of a virtual machine are reached through"
                    + " its guest agent");
        }
        agent.call(spec.ref(), "guest-ping", null);
        return new AgentFileSystem(new GuestCommands(agent, spec.ref()));
    }
}
