package dev.corral.client;

/**
 * What a daemon tells about a file inside an instance ({@code X-Incus-type}, {@code -uid}, {@code -gid},
 * {@code -mode}).
 *
 * @param type {@code file}, {@code directory} or {@code symlink}
 * @param uid owner inside the instance (-1 if not told)
 * @param gid group inside the instance (-1 if not told)
 * @param mode permission bits, e.g. {@code 0644} (-1 if not told)
 */
public record FileInfo(String type, long uid, long gid, int mode) {

    public boolean isDirectory() {
        return "directory".equals(type);
    }

    public boolean isSymlink() {
        return "symlink".equals(type);
    }
}
