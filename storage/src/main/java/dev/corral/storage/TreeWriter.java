package dev.corral.storage;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets what a tree entry carries besides its data, in the order that keeps it: owner first (chown clears setuid bits
 * and file capabilities), then mode, then extended attributes, then times. Never follows symbolic links. Extended
 * attributes the file system refuses are counted and logged once, as GNU tar warns and goes on.
 */
class TreeWriter {

    private static final Logger LOG = LoggerFactory.getLogger(TreeWriter.class);

    protected final IdShift shift;
    private int xattrFailures;
    private String firstXattrFailure;

    TreeWriter(IdShift shift) {
        this.shift = shift;
    }

    /** Owner (already shifted ids), of a link itself for a link. */
    static void owner(Path p, long uid, long gid) throws IOException {
        Posix.lchown(p, uid, gid);
    }

    /** Permission bits with setuid, setgid and sticky; not for symbolic links. */
    static void mode(Path p, int mode) throws IOException {
        Posix.chmod(p, mode);
    }

    /** Modification (and access) time, of a link itself for a link. */
    static void mtime(Path p, long seconds, int nanos) throws IOException {
        Posix.setTimes(p, seconds, nanos);
    }

    static void mtime(Path p, FileTime t) throws IOException {
        Instant i = t.toInstant();
        Posix.setTimes(p, i.getEpochSecond(), i.getNano());
    }

    /** Writes extended attributes, shifted; {@code where} names the entry in messages. */
    void xattrs(Path p, Map<String, byte[]> xattrs, Object where) throws IOException {
        for (Map.Entry<String, byte[]> e : xattrs.entrySet()) {
            byte[] value = shift.xattr(e.getKey(), e.getValue(), where);
            try {
                Posix.setXattr(p, e.getKey(), value);
            } catch (IOException ex) {
                if (xattrFailures++ == 0) {
                    firstXattrFailure = ex.getMessage();
                }
            }
        }
    }

    /** Logs the extended attributes that could not be written, if any. */
    void reportXattrFailures(Object tree) {
        if (xattrFailures > 0) {
            LOG.warn("{}: {} extended attribute(s) could not be written (first: {})", tree, xattrFailures,
                    firstXattrFailure);
        }
    }
}
