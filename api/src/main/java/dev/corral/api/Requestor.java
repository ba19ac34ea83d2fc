package dev.corral.api;

/** Who asked for a change: recorded on lifecycle events ({@code protocol} is "unix" or "tls"). */
public record Requestor(String username, String protocol, String address) {
}
