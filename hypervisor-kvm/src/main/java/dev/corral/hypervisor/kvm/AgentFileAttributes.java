package dev.corral.hypervisor.kvm;

import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A file's attributes inside a VM, from the guest's {@code stat -c '%f %s %u %g %Y %X %Z %i %h'} (raw mode in hex,
 * size, ids, times in seconds, inode, links). Ids are the guest's own.
 */
record AgentFileAttributes(int mode, long size, long uid, long gid, long mtime, long atime, long ctime, long ino,
        long nlink) implements PosixFileAttributes {

    static final String STAT_FORMAT = "%f %s %u %g %Y %X %Z %i %h";

    static AgentFileAttributes parse(String line) {
        String[] f = line.trim().split(" ");
        if (f.length != 9) {
            throw new IllegalArgumentException("unexpected stat output: " + line);
        }
        return new AgentFileAttributes(Integer.parseInt(f[0], 16), Long.parseLong(f[1]), Long.parseLong(f[2]),
                Long.parseLong(f[3]), Long.parseLong(f[4]), Long.parseLong(f[5]), Long.parseLong(f[6]),
                Long.parseLong(f[7]), Long.parseLong(f[8]));
    }

    private int type() {
        return mode & 0170000;
    }

    @Override
    public FileTime lastModifiedTime() {
        return FileTime.from(mtime, TimeUnit.SECONDS);
    }

    @Override
    public FileTime lastAccessTime() {
        return FileTime.from(atime, TimeUnit.SECONDS);
    }

    @Override
    public FileTime creationTime() {
        return lastModifiedTime();
    }

    @Override
    public boolean isRegularFile() {
        return type() == 0100000;
    }

    @Override
    public boolean isDirectory() {
        return type() == 0040000;
    }

    @Override
    public boolean isSymbolicLink() {
        return type() == 0120000;
    }

    @Override
    public boolean isOther() {
        return !isRegularFile() && !isDirectory() && !isSymbolicLink();
    }

    @Override
    public Object fileKey() {
        return ino;
    }

    @Override
    public UserPrincipal owner() {
        return new Id(uid, false);
    }

    @Override
    public GroupPrincipal group() {
        return new Id(gid, true);
    }

    @Override
    public Set<PosixFilePermission> permissions() {
        return permissions(mode);
    }

    static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] all = PosixFilePermission.values(); // OWNER_READ .. OTHERS_EXECUTE, high bit first
        for (int i = 0; i < 9; i++) {
            if ((mode & (0400 >> i)) != 0) {
                set.add(all[i]);
            }
        }
        return set;
    }

    static int mode(Set<PosixFilePermission> permissions) {
        int mode = 0;
        for (PosixFilePermission p : permissions) {
            mode |= 0400 >> p.ordinal();
        }
        return mode;
    }

    Map<String, Object> asMap(String view) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("lastModifiedTime", lastModifiedTime());
        map.put("lastAccessTime", lastAccessTime());
        map.put("creationTime", creationTime());
        map.put("size", size);
        map.put("isRegularFile", isRegularFile());
        map.put("isDirectory", isDirectory());
        map.put("isSymbolicLink", isSymbolicLink());
        map.put("isOther", isOther());
        map.put("fileKey", fileKey());
        if (view.equals("posix") || view.equals("unix")) {
            map.put("permissions", permissions());
            map.put("owner", owner());
            map.put("group", group());
        }
        if (view.equals("unix")) {
            map.put("uid", (int) uid);
            map.put("gid", (int) gid);
            map.put("mode", mode);
            map.put("ino", ino);
            map.put("dev", 0L);
            map.put("rdev", 0L);
            map.put("nlink", (int) nlink);
            map.put("ctime", FileTime.from(ctime, TimeUnit.SECONDS));
        }
        return map;
    }

    /** A user or group of the guest, by number (its name is the number). */
    record Id(long id, boolean isGroup) implements GroupPrincipal {
        @Override
        public String getName() {
            return Long.toString(id);
        }
    }
}
