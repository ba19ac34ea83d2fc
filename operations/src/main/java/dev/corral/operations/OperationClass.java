package dev.corral.operations;

/** The three kinds of Incus operation. */
public enum OperationClass {
    /** Background work that ends by itself. */
    TASK("task"),
    /** Work driven through websocket streams (exec, console). */
    WEBSOCKET("websocket"),
    /** A credential that stays pending until used or cancelled (trust and join tokens). */
    TOKEN("token");

    private final String wireName;

    OperationClass(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
