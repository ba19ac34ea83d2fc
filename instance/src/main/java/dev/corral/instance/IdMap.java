package dev.corral.instance;

/**
 * The id map of an unprivileged container: ids {@code 0..size-1} inside are {@code hostUid..}/{@code hostGid..}
 * outside. A privileged container has no id map.
 */
public record IdMap(long hostUid, long hostGid, long size) {

    public long toHostUid(long uid) {
        return uid < size ? hostUid + uid : -1;
    }

    public long toHostGid(long gid) {
        return gid < size ? hostGid + gid : -1;
    }
}
