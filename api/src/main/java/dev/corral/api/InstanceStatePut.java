package dev.corral.api;

/** {@code PUT /1.0/instances/{name}/state}: start, stop, restart, freeze or unfreeze. */
public record InstanceStatePut(String action, Integer timeout, Boolean force, Boolean stateful) {
}
