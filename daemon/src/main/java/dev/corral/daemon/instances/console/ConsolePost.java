package dev.corral.daemon.instances.console;

/**
 * {@code POST /1.0/instances/{name}/console} body (Incus {@code api.InstanceConsolePost}); every field optional.
 *
 * @param type {@code console} (the default) or {@code vga}
 * @param force take the console over from a session that holds it
 */
record ConsolePost(Integer width, Integer height, String type, Boolean force) {

    String typeOrDefault() {
        return type == null || type.isEmpty() ? ConsoleEndpoint.TYPE_CONSOLE : type;
    }

    int widthOrZero() {
        return width == null ? 0 : width;
    }

    int heightOrZero() {
        return height == null ? 0 : height;
    }
}
