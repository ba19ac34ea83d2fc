package dev.corral.client;

/**
 * How a pushed file is made: owner, group and mode inside the instance (-1: the daemon's default, root and 0644 for
 * files, 0755 for directories), and whether to append rather than replace.
 *
 * @param uid owner, or -1
 * @param gid group, or -1
 * @param mode permission bits (write them in octal: {@code 0600}), or -1
 * @param append append to an existing file instead of replacing it
 */
public record FileOptions(long uid, long gid, int mode, boolean append) {

    /** The daemon's defaults. */
    public static FileOptions defaults() {
        return new FileOptions(-1, -1, -1, false);
    }

    /** Owned by {@code uid:gid} with {@code mode}. */
    public static FileOptions of(long uid, long gid, int mode) {
        return new FileOptions(uid, gid, mode, false);
    }

    public FileOptions withAppend(boolean add) {
        return new FileOptions(uid, gid, mode, add);
    }
}
