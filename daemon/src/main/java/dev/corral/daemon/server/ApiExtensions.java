package dev.corral.daemon.server;

import java.util.List;

/**
 * The API extensions Corral implements. Clients decide what to call from this list, so a name goes in when, and
 * only when, its behaviour works (see Incus's doc/api-extensions.md for what each one promises).
 */
public final class ApiExtensions {

    public static final List<String> ALL = List.of(
            "etag",                                  // ETag on GET /1.0, If-Match on PUT /1.0
            "patch",                                 // PATCH /1.0
            "projects",                              // /1.0/projects (the default project)
            "event_lifecycle",                       // lifecycle events on /1.0/events
            "event_lifecycle_requestor_address",     // requestor.address in lifecycle events
            "event_location",                        // location field in events
            "event_project",                         // project field in events
            "operation_description",                 // description field of operations
            "operation_wait",                        // GET /1.0/operations/{id}/wait
            "operations_get_query_all_projects",     // GET /1.0/operations?all-projects=true
            "api_os",                                // environment.os_name and os_version
            "entity_description",                    // description on profiles, instances, aliases
            "image_create_aliases",                  // aliases with an image upload (X-Incus-aliases)
            "image_types",                           // type of images and aliases
            "instances",                             // /1.0/instances (and the /1.0/containers aliases)
            "instance_create_start",                 // "start": true in POST /1.0/instances
            "instance_get_full",                     // GET /1.0/instances/{name}?recursion=1 with state
            "api_filtering");                        // ?filter= on instance and image lists

    private ApiExtensions() {
    }
}
