package dev.corral.container.lxc;

import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The attributes of one file as the container sees them: {@link RootDir.Stat} with its owner and group translated
 * into the container's ids. Also the {@code basic:}, {@code posix:} and {@code unix:} maps, with the JDK's names.
 */
record LxcFileAttributes(RootDir.Stat stat, long uid, long gid) implements PosixFileAttributes {

    /** A user or group named by its numeric id inside the container. */
    record Id(String getName, boolean group) implements UserPrincipal, GroupPrincipal {
    }

    static LxcFileAttributes of(RootDir root, RootDir.Stat stat) {
        return new LxcFileAttributes(stat, root.containerUid(stat.uid()), root.containerGid(stat.gid()));
    }

    @Override
    public FileTime lastModifiedTime() {
        return stat.mtime();
    }

    @Override
    public FileTime lastAccessTime() {
        return stat.atime();
    }

    @Override
    public FileTime creationTime() {
        return stat.btime().toMillis() == 0 ? stat.mtime() : stat.btime();
    }

    @Override
    public boolean isRegularFile() {
        return stat.type() == RootDir.Type.FILE;
    }

    @Override
    public boolean isDirectory() {
        return stat.type() == RootDir.Type.DIRECTORY;
    }

    @Override
    public boolean isSymbolicLink() {
        return stat.type() == RootDir.Type.SYMLINK;
    }

    @Override
    public boolean isOther() {
        return stat.type() == RootDir.Type.OTHER;
    }

    @Override
    public long size() {
        return stat.size();
    }

    @Override
    public Object fileKey() {
        return stat.dev() + ":" + stat.ino();
    }

    @Override
    public UserPrincipal owner() {
        return new Id(Long.toString(uid), false);
    }

    @Override
    public GroupPrincipal group() {
        return new Id(Long.toString(gid), true);
    }

    @Override
    public Set<PosixFilePermission> permissions() {
        return permissions(stat.mode());
    }

    static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
        for (int bit = 0; bit < order.length; bit++) {
            if ((mode & (1 << bit)) != 0) {
                perms.add(order[bit]);
            }
        }
        return perms;
    }

    static int mode(Set<PosixFilePermission> perms) {
        int mode = 0;
        for (PosixFilePermission p : perms) {
            mode |= 1 << (8 - p.ordinal());
        }
        return mode;
    }

    /** Every attribute of {@code view} ("basic", "posix" or "unix", each including the ones before it). */
    Map<String, Object> asMap(String view) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("lastModifiedTime", lastModifiedTime());
        map.put("lastAccessTime", lastAccessTime());
        map.put("creationTime", creationTime());
        map.put("size", size());
        map.put("isRegularFile", isRegularFile());
        map.put("isDirectory", isDirectory());
        map.put("isSymbolicLink", isSymbolicLink());
        map.put("isOther", isOther());
        map.put("fileKey", fileKey());
        if (view.equals("basic")) {
            return map;
        }
        map.put("permissions", permissions());
        map.put("owner", owner());
        map.put("group", group());
        if (view.equals("posix")) {
            return map;
        }
        map.put("uid", (int) uid);
        map.put("gid", (int) gid);
        map.put("mode", stat.mode());
        map.put("ino", stat.ino());
        map.put("dev", stat.dev());
        map.put("rdev", stat.rdev());
        map.put("nlink", stat.nlink());
        map.put("ctime", stat.ctime());
        return map;
    }
}
