package dev.corral.hypervisor.kvm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.corral.instance.DriverException;
import dev.corral.instance.InstanceRef;
import java.io.IOException;
import org.libvirt.LibvirtException;

/**
 * Commands to qemu-guest-agent inside a running VM, through libvirt ({@code virDomainQemuAgentCommand}): JSON in,
 * the {@code return} member out. Blocking; any worker thread.
 */
final class GuestAgent {

    static final ObjectMapper JSON = new ObjectMapper();
    /** How long one agent command may take (seconds). */
    private static final int TIMEOUT = 30;

    private final LibvirtDriver driver;

    GuestAgent(LibvirtDriver driver) {
        this.driver = driver;
    }

    static ObjectNode args() {
        return JSON.createObjectNode();
    }

    /**
     * Runs {@code execute} with {@code arguments} (or none) in {@code ref}'s guest.
     *
     * @throws DriverException when the VM does not run or its agent does not answer (the message says which)
     * @throws AgentError when the agent refuses the command
     */
    JsonNode call(InstanceRef ref, String execute, ObjectNode arguments) {
        ObjectNode command = JSON.createObjectNode().put("execute", execute);
        if (arguments != null) {
            command.set("arguments", arguments);
        }
        String answer = driver.withRunning(ref, "VM agent isn't currently running", domain -> {
            try {
                return domain.qemuAgentCommand(command.toString(), TIMEOUT, 0);
            } catch (LibvirtException e) {
                String message = LibvirtConnection.message(e);
                org.libvirt.Error.ErrorNumber code = e.getError() == null ? null : e.getError().getCode();
                if (code == org.libvirt.Error.ErrorNumber.VIR_ERR_AGENT_UNRESPONSIVE
                        || code == org.libvirt.Error.ErrorNumber.VIR_ERR_AGENT_UNSYNCED
                        || code == org.libvirt.Error.ErrorNumber.VIR_ERR_OPERATION_INVALID) {
                    throw new DriverException("VM agent isn't currently running (" + message + ")", e);
                }
                throw new AgentError(message);
            }
        });
        try {
            JsonNode reply = JSON.readTree(answer);
            return reply.path("return");
        } catch (IOException e) {
            throw new DriverException("the guest agent answered what is not JSON: " + e.getMessage(), e);
        }
    }

    /** The agent ran the command and reported an error (a program that cannot be run, a file that is not there). */
    static final class AgentError extends RuntimeException {
        AgentError(String message) {
            super(message);
        }
    }
}
