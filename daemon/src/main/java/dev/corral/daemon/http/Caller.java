package dev.corral.daemon.http;

import dev.corral.api.Requestor;

/** Who sent a request, as decided once by the listener's policy step. */
public record Caller(boolean trusted, String protocol, String username, String address) {

    public Requestor requestor() {
        return new Requestor(username, protocol, address);
    }
}
