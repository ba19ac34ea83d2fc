package dev.corral.instance;

/** The two kinds of instance, spelled as on the wire. */
public enum InstanceType {
    CONTAINER("container"),
    VIRTUAL_MACHINE("virtual-machine");

    private final String wireName;

    InstanceType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
