package dev.corral.daemon.http;

import java.util.List;

/** A resource's set of routes, declared next to their handlers. */
public interface Endpoint {
    List<Route> routes();
}
