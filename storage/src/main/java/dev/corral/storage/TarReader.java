package dev.corral.storage;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A reader of tar streams (ustar, GNU, PAX), written for images: extended attributes are kept as raw bytes (GNU
 * tar's {@code SCHILY.xattr.*} values are binary, e.g. {@code security.capability}; commons-compress decodes them as
 * UTF-8 and corrupts them), ids are numeric, and anything we cannot extract faithfully (sparse files, multi-volume
 * archives) is an error rather than a silent change. Not thread-safe.
 */
final class TarReader {

    static final int BLOCK = 512;
    /** Largest PAX header or GNU long name accepted. */
    private static final int MAX_META = 1 << 20;

    enum Type { FILE, HARDLINK, SYMLINK, CHAR_DEVICE, BLOCK_DEVICE, DIRECTORY, FIFO, OTHER }

    /**
     * One entry. {@code name} and {@code linkName} are as stored (not yet checked or cleaned).
     *
     * @param mode permission bits with setuid/setgid/sticky ({@code 07777})
     */
    record Entry(String name, Type type, int mode, long uid, long gid, long size, long mtime, int mtimeNanos,
            String linkName, int devMajor, int devMinor, Map<String, byte[]> xattrs) {
    }

    private final InputStream in;
    private final Map<String, byte[]> global = new HashMap<>();
    private final byte[] scratch = new byte[64 * 1024];
    private long remaining;
    private long padding;
    private boolean end;

    TarReader(InputStream in) {
        this.in = in;
    }

    /** The next entry, or null at the end of the archive. Skips what is left of the previous entry's data. */
    Entry next() throws IOException {
        if (end) {
            return null;
        }
        skip(remaining + padding);
        remaining = 0;
        padding = 0;

        String longName = null;
        String longLink = null;
        Map<String, byte[]> pax = new HashMap<>();
        while (true) {
            byte[] h = readBlock();
            if (h == null || allZero(h)) {
                end = true;
                return null;
            }
            checkChecksum(h);
            char flag = (char) (h[156] & 0xff);
            long size = number(h, 124, 12);
            switch (flag) {
                case 'x', 'X' -> {
                    pax.putAll(parsePax(readData(size)));
                    continue;
                }
                case 'g' -> {
                    // Names and sizes are per entry: a global one would rename or resize every entry after it.
                    Map<String, byte[]> g = parsePax(readData(size));
                    g.keySet().removeAll(java.util.Set.of("path", "linkpath", "size"));
                    global.putAll(g);
                    continue;
                }
                case 'L' -> {
                    longName = cString(readData(size), 0, (int) Math.min(size, MAX_META));
                    continue;
                }
                case 'K' -> {
                    longLink = cString(readData(size), 0, (int) Math.min(size, MAX_META));
                    continue;
                }
                case 'V' -> {
                    readData(size);
                    continue;
                }
                case 'S' -> throw new IOException("sparse files in the tarball are not supported");
                case 'M' -> throw new IOException("multi-volume tarballs are not supported");
                default -> {
                }
            }
            return entry(h, flag, size, longName, longLink, pax);
        }
    }

    /** The data of the current entry (regular files); reading it is optional. */
    InputStream content() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (remaining == 0) {
                    return -1;
                }
                int n = in.read(b, off, (int) Math.min(len, remaining));
                if (n < 0) {
                    throw new EOFException("truncated tarball");
                }
                remaining -= n;
                return n;
            }
        };
    }

    private Entry entry(byte[] h, char flag, long size, String longName, String longLink,
            Map<String, byte[]> perFile) throws IOException {
        Map<String, byte[]> pax = new HashMap<>(global);
        pax.putAll(perFile);
        for (String key : pax.keySet()) {
            if (key.startsWith("GNU.sparse.")) {
                throw new IOException("sparse files in the tarball are not supported");
            }
        }

        boolean ustar = h[257] == 'u' && h[258] == 's' && h[259] == 't' && h[260] == 'a' && h[261] == 'r'
                && h[262] == 0;
        String name = cString(h, 0, 100);
        if (ustar) {
            String prefix = cString(h, 345, 155);
            if (!prefix.isEmpty()) {
                name = prefix + "/" + name;
            }
        }
        if (longName != null) {
            name = longName;
        }
        name = paxString(pax, "path", name);
        String link = longLink != null ? longLink : cString(h, 157, 100);
        link = paxString(pax, "linkpath", link);

        size = paxLong(pax, "size", size);
        long uid = paxLong(pax, "uid", number(h, 108, 8));
        long gid = paxLong(pax, "gid", number(h, 116, 8));
        long mtime = number(h, 136, 12);
        int nanos = 0;
        String paxMtime = paxString(pax, "mtime", null);
        if (paxMtime != null) {
            try {
                java.math.BigDecimal t = new java.math.BigDecimal(paxMtime.trim());
                mtime = t.longValue();
                nanos = t.subtract(java.math.BigDecimal.valueOf(mtime)).movePointRight(9).intValue();
                if (nanos < 0) {
                    mtime -= 1;
                    nanos += 1_000_000_000;
                }
            } catch (NumberFormatException | ArithmeticException e) {
                throw new IOException("bad mtime in a PAX header: " + paxMtime);
            }
        }
        int mode = (int) (number(h, 100, 8) & 07777);

        Type type = switch (flag) {
            case '0', '\0', '7' -> name.endsWith("/") ? Type.DIRECTORY : Type.FILE;
            case '1' -> Type.HARDLINK;
            case '2' -> Type.SYMLINK;
            case '3' -> Type.CHAR_DEVICE;
            case '4' -> Type.BLOCK_DEVICE;
            case '5', 'D' -> Type.DIRECTORY;
            case '6' -> Type.FIFO;
            default -> Type.OTHER;
        };
        int major = 0;
        int minor = 0;
        if (type == Type.CHAR_DEVICE || type == Type.BLOCK_DEVICE) {
            major = (int) paxLong(pax, "SCHILY.devmajor", number(h, 329, 8));
            minor = (int) paxLong(pax, "SCHILY.devminor", number(h, 337, 8));
        }

        Map<String, byte[]> xattrs = new TreeMap<>();
        for (Map.Entry<String, byte[]> e : pax.entrySet()) {
            String key = e.getKey();
            if (key.startsWith("SCHILY.xattr.") && key.length() > 13) {
                xattrs.put(key.substring(13), e.getValue());
            } else if (key.startsWith("LIBARCHIVE.xattr.") && key.length() > 17) {
                try {
                    String attr = URLDecoder.decode(key.substring(17), StandardCharsets.UTF_8);
                    String b64 = new String(e.getValue(), StandardCharsets.US_ASCII).trim();
                    while (b64.length() % 4 != 0) {
                        b64 += "=";
                    }
                    xattrs.put(attr, Base64.getDecoder().decode(b64));
                } catch (IllegalArgumentException ex) {
                    throw new IOException("bad extended attribute " + key + " in a PAX header");
                }
            }
        }

        // Only regular files carry data we read; the data of anything else is skipped.
        remaining = size;
        padding = pad(size);
        if (type != Type.FILE) {
            skip(remaining + padding);
            remaining = 0;
            padding = 0;
            size = 0;
        }
        return new Entry(name, type, mode, uid, gid, size, mtime, nanos, link, major, minor, xattrs);
    }

    private static long pad(long size) {
        long r = size % BLOCK;
        return r == 0 ? 0 : BLOCK - r;
    }

    private byte[] readBlock() throws IOException {
        byte[] b = new byte[BLOCK];
        int n = in.readNBytes(b, 0, BLOCK);
        if (n == 0) {
            return null;
        }
        if (n < BLOCK) {
            throw new EOFException("truncated tarball");
        }
        return b;
    }

    private byte[] readData(long size) throws IOException {
        if (size < 0 || size > MAX_META) {
            throw new IOException("tar header data too large (" + size + " bytes)");
        }
        byte[] data = new byte[(int) size];
        if (in.readNBytes(data, 0, data.length) < data.length) {
            throw new EOFException("truncated tarball");
        }
        skip(pad(size));
        return data;
    }

    private void skip(long n) throws IOException {
        while (n > 0) {
            int r = in.read(scratch, 0, (int) Math.min(scratch.length, n));
            if (r < 0) {
                throw new EOFException("truncated tarball");
            }
            n -= r;
        }
    }

    private static boolean allZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    private static void checkChecksum(byte[] h) throws IOException {
        long stored;
        try {
            stored = number(h, 148, 8);
        } catch (IOException e) {
            throw new IOException("not a tar archive (bad header checksum field)");
        }
        long unsigned = 0;
        long signed = 0;
        for (int i = 0; i < BLOCK; i++) {
            int b = (i >= 148 && i < 156) ? ' ' : h[i];
            unsigned += b & 0xff;
            signed += (byte) b;
        }
        if (stored != unsigned && stored != signed) {
            throw new IOException("not a tar archive (header checksum mismatch)");
        }
    }

    /** A numeric header field: octal text, or GNU base-256 when the high bit of the first byte is set. */
    static long number(byte[] h, int off, int len) throws IOException {
        if ((h[off] & 0x80) != 0) {
            if ((h[off] & 0xff) == 0xff) {
                throw new IOException("negative number in a tar header");
            }
            long v = h[off] & 0x7f;
            for (int i = off + 1; i < off + len; i++) {
                if (v >>> 55 != 0) {
                    throw new IOException("number too large in a tar header");
                }
                v = (v << 8) | (h[i] & 0xff);
            }
            return v;
        }
        int i = off;
        int endAt = off + len;
        while (i < endAt && (h[i] == ' ' || h[i] == 0)) {
            i++;
        }
        long v = 0;
        for (; i < endAt && h[i] != ' ' && h[i] != 0; i++) {
            int d = h[i] - '0';
            if (d < 0 || d > 7) {
                throw new IOException("not a tar archive (bad number in a header)");
            }
            if (v >>> 60 != 0) {
                throw new IOException("number too large in a tar header");
            }
            v = (v << 3) | d;
        }
        return v;
    }

    private static String cString(byte[] b, int off, int len) {
        int end = off;
        while (end < off + len && end < b.length && b[end] != 0) {
            end++;
        }
        return new String(b, off, end - off, StandardCharsets.UTF_8);
    }

    /** PAX records {@code "<len> <key>=<value>\n"}; values stay raw bytes. */
    static Map<String, byte[]> parsePax(byte[] data) throws IOException {
        Map<String, byte[]> out = new HashMap<>();
        int i = 0;
        while (i < data.length && data[i] != 0) {
            int sp = i;
            while (sp < data.length && data[sp] != ' ') {
                sp++;
            }
            int len;
            try {
                len = Integer.parseInt(new String(data, i, sp - i, StandardCharsets.US_ASCII));
            } catch (NumberFormatException e) {
                throw new IOException("bad PAX header record");
            }
            int recEnd = i + len;
            if (len <= sp - i + 1 || recEnd > data.length || data[recEnd - 1] != '\n') {
                throw new IOException("bad PAX header record");
            }
            int eq = sp + 1;
            while (eq < recEnd && data[eq] != '=') {
                eq++;
            }
            if (eq >= recEnd) {
                throw new IOException("bad PAX header record");
            }
            String key = new String(data, sp + 1, eq - sp - 1, StandardCharsets.UTF_8);
            out.put(key, Arrays.copyOfRange(data, eq + 1, recEnd - 1));
            i = recEnd;
        }
        return out;
    }

    private static String paxString(Map<String, byte[]> pax, String key, String dflt) {
        byte[] v = pax.get(key);
        return v == null || v.length == 0 ? dflt : new String(v, StandardCharsets.UTF_8);
    }

    private static long paxLong(Map<String, byte[]> pax, String key, long dflt) throws IOException {
        String v = paxString(pax, key, null);
        if (v == null) {
            return dflt;
        }
        try {
            long n = Long.parseLong(v.trim());
            if (n < 0) {
                throw new IOException("negative " + key + " in a PAX header");
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IOException("bad " + key + " in a PAX header: " + v);
        }
    }
}
