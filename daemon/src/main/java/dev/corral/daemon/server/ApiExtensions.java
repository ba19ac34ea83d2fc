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
            "api_filtering",                         // ?filter= on instance and image lists
            "directory_manipulation",                // files API: directories
            "file_delete",                           // files API: DELETE
            "file_append",                           // files API: X-Incus-write: append
            "file_symlinks",                         // files API: symlinks
            "file_get_symlink",                      // files API: GET of a symlink
            "instance_file_head",                    // files API: HEAD
            "container_exec_recording",              // exec: record-output
            "container_exec_signal_handling",        // exec: signals over the control stream
            "container_exec_user_group_cwd",         // exec: user, group, cwd
            "certificate_update",                    // PUT/PATCH /1.0/certificates/{fingerprint}
            "certificate_project",                   // restricted certificates limited to projects
            "certificate_token",                     // trust tokens (POST /1.0/certificates with "token")
            "certificate_description",               // description of certificates
            "remote_token_expiry",                   // core.remote_token_expiry
            "console",                               // /1.0/instances/{name}/console: attach, log, clear
            "console_force",                         // console: "force" takes a session over
            "storage",                               // /1.0/storage-pools/{pool}/volumes: custom volumes
            "custom_block_volumes",                  // content_type block
            "custom_volume_iso");                    // ISO volumes imported (X-Incus-type: iso)                        // console: "force" takes a session over

    private ApiExtensions() {
    }
}
