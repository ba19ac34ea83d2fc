package dev.corral.instance;

import java.util.Objects;

/** An instance by project and name. */
public record InstanceRef(String project, String name) {

    public InstanceRef {
        Objects.requireNonNull(project, "project");
        Objects.requireNonNull(name, "name");
    }

    /**
     * The name the backend (LXC, libvirt, storage) knows it by: the bare name in the default project,
     * {@code <project>_<name>} elsewhere, as Incus does, so that two projects may use the same instance name.
     */
    public String backendName() {
        return project.equals("default") ? name : project + "_" + name;
    }
}
