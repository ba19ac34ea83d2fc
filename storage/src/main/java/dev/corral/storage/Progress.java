package dev.corral.storage;

/**
 * Progress of a long step (receiving an upload, unpacking an image), reported while it runs: the daemon puts it into
 * the operation's metadata. Called on the working thread, at most about once per percent (or every 100 ms when the
 * total is unknown) and once at the end; it must be quick and must not throw.
 */
@FunctionalInterface
public interface Progress {

    /** Stage names passed to {@link #update}. */
    String RECEIVING = "receiving";
    String UNPACKING = "unpacking";
    String COPYING = "copying";

    Progress NONE = (stage, done, total) -> {
    };

    /**
     * @param stage one of {@link #RECEIVING}, {@link #UNPACKING}, {@link #COPYING}
     * @param done bytes done so far
     * @param total bytes in all, or -1 when unknown
     */
    void update(String stage, long done, long total);

    /** {@code done} as a percentage of {@code total} (0 to 100), or -1 when the total is unknown. */
    static int percent(long done, long total) {
        if (total <= 0) {
            return -1;
        }
        return (int) Math.min(100, done * 100 / total);
    }
}
