package dev.corral.storage;

import dev.corral.api.ApiException;
import dev.corral.instance.IdMap;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * How ids on disk change when a tree is copied into an unprivileged container's volume: owners, and the ids inside
 * file capabilities and POSIX ACLs (as Incus's shifter does). Without an id map (privileged) nothing changes.
 */
final class IdShift {

    static final IdShift NONE = new IdShift(null);

    private static final String CAPABILITY = "security.capability";
    private static final String ACL_ACCESS = "system.posix_acl_access";
    private static final String ACL_DEFAULT = "system.posix_acl_default";

    private static final int VFS_CAP_REVISION_MASK = 0xff000000;
    private static final int VFS_CAP_REVISION_2 = 0x02000000;
    private static final int VFS_CAP_REVISION_3 = 0x03000000;
    private static final int VFS_CAP_FLAGS_MASK = ~VFS_CAP_REVISION_MASK;
    private static final int ACL_USER = 0x02;
    private static final int ACL_GROUP = 0x08;

    private final IdMap map;

    private IdShift(IdMap map) {
        this.map = map;
    }

    static IdShift of(IdMap map) {
        return map == null ? NONE : new IdShift(map);
    }

    /** Whether device nodes may be created (privileged only: an unprivileged container cannot use them). */
    boolean devicesAllowed() {
        return map == null;
    }

    long uid(long uid, Object where) {
        if (map == null) {
            return uid;
        }
        long host = map.toHostUid(uid);
        if (host < 0) {
            throw ApiException.badRequest("uid " + uid + " of " + where + " is outside the instance's id map (size "
                    + map.size() + ")");
        }
        return host;
    }

    long gid(long gid, Object where) {
        if (map == null) {
            return gid;
        }
        long host = map.toHostGid(gid);
        if (host < 0) {
            throw ApiException.badRequest("gid " + gid + " of " + where + " is outside the instance's id map (size "
                    + map.size() + ")");
        }
        return host;
    }

    /**
     * The value to write for an extended attribute: capabilities get their root id shifted (a revision 2 capability
     * becomes revision 3 with the container's root, or the kernel would ignore it inside the user namespace), ACL
     * entries their uids and gids. Other attributes are copied as they are.
     */
    byte[] xattr(String name, byte[] value, Object where) {
        if (map == null) {
            return value;
        }
        return switch (name) {
            case CAPABILITY -> capability(value, where);
            case ACL_ACCESS, ACL_DEFAULT -> acl(value, where);
            default -> value;
        };
    }

    private byte[] capability(byte[] value, Object where) {
        if (value.length < 4) {
            return value;
        }
        ByteBuffer in = ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN);
        int magic = in.getInt(0);
        int revision = magic & VFS_CAP_REVISION_MASK;
        if (revision == VFS_CAP_REVISION_2 && value.length == 20) {
            ByteBuffer out = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
            out.putInt(VFS_CAP_REVISION_3 | (magic & VFS_CAP_FLAGS_MASK));
            out.put(value, 4, 16);
            out.putInt((int) uid(0, where));
            return out.array();
        }
        if (revision == VFS_CAP_REVISION_3 && value.length == 24) {
            long rootid = Integer.toUnsignedLong(in.getInt(20));
            byte[] copy = value.clone();
            ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN).putInt(20, (int) uid(rootid, where));
            return copy;
        }
        return value;
    }

    private byte[] acl(byte[] value, Object where) {
        if (value.length < 4 || (value.length - 4) % 8 != 0) {
            return value;
        }
        byte[] copy = value.clone();
        ByteBuffer b = ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN);
        for (int off = 4; off < copy.length; off += 8) {
            int tag = Short.toUnsignedInt(b.getShort(off));
            long id = Integer.toUnsignedLong(b.getInt(off + 4));
            if (tag == ACL_USER) {
                b.putInt(off + 4, (int) uid(id, where));
            } else if (tag == ACL_GROUP) {
                b.putInt(off + 4, (int) gid(id, where));
            }
        }
        return copy;
    }
}
