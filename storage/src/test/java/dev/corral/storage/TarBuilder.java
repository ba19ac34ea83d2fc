package dev.corral.storage;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * Writes tarballs byte by byte for tests, including what a careful writer would refuse ({@code ..}, absolute names,
 * links out): ustar headers, a PAX header when an entry needs one (long names, large ids, extended attributes).
 */
final class TarBuilder {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private long mtime = 1_700_000_000L;

    TarBuilder dir(String name, int mode, long uid, long gid) {
        return entry(name, '5', mode, uid, gid, new byte[0], "", 0, 0, Map.of());
    }

    TarBuilder dir(String name) {
        return dir(name, 0755, 0, 0);
    }

    TarBuilder file(String name, String content) {
        return file(name, content.getBytes(StandardCharsets.UTF_8), 0644, 0, 0, Map.of());
    }

    TarBuilder file(String name, byte[] content, int mode, long uid, long gid, Map<String, byte[]> xattrs) {
        return entry(name, '0', mode, uid, gid, content, "", 0, 0, xattrs);
    }

    TarBuilder symlink(String name, String target) {
        return entry(name, '2', 0777, 0, 0, new byte[0], target, 0, 0, Map.of());
    }

    TarBuilder hardlink(String name, String target) {
        return entry(name, '1', 0644, 0, 0, new byte[0], target, 0, 0, Map.of());
    }

    TarBuilder fifo(String name) {
        return entry(name, '6', 0644, 0, 0, new byte[0], "", 0, 0, Map.of());
    }

    TarBuilder charDevice(String name, int major, int minor) {
        return entry(name, '3', 0666, 0, 0, new byte[0], "", major, minor, Map.of());
    }

    TarBuilder metadata(String yaml) {
        return file("metadata.yaml", yaml);
    }

    static String metadataYaml() {
        return "architecture: x86_64\ncreation_date: 1700000000\nproperties:\n  os: test\n  release: \"1.0\"\n";
    }

    TarBuilder entry(String name, char type, int mode, long uid, long gid, byte[] content, String link, int major,
            int minor, Map<String, byte[]> xattrs) {
        try {
            Map<String, byte[]> pax = new LinkedHashMap<>();
            byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
            if (nameBytes.length > 100) {
                pax.put("path", nameBytes);
            }
            byte[] linkBytes = link.getBytes(StandardCharsets.UTF_8);
            if (linkBytes.length > 100) {
                pax.put("linkpath", linkBytes);
            }
            if (uid > 07777777) {
                pax.put("uid", Long.toString(uid).getBytes(StandardCharsets.US_ASCII));
                uid = 0;
            }
            if (gid > 07777777) {
                pax.put("gid", Long.toString(gid).getBytes(StandardCharsets.US_ASCII));
                gid = 0;
            }
            for (Map.Entry<String, byte[]> x : xattrs.entrySet()) {
                pax.put("SCHILY.xattr." + x.getKey(), x.getValue());
            }
            if (!pax.isEmpty()) {
                byte[] data = paxData(pax);
                header("PaxHeader", 'x', 0644, 0, 0, data.length, "", 0, 0);
                out.write(data);
                pad(data.length);
            }
            header(name, type, mode, uid, gid, content.length, link, major, minor);
            out.write(content);
            pad(content.length);
            return this;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The archive with its two end blocks. */
    byte[] tar() {
        byte[] body = out.toByteArray();
        byte[] all = new byte[body.length + 2 * TarReader.BLOCK];
        System.arraycopy(body, 0, all, 0, body.length);
        return all;
    }

    byte[] tarGz() {
        return gzip(tar());
    }

    static byte[] gzip(byte[] data) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(b)) {
            gz.write(data);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return b.toByteArray();
    }

    private static byte[] paxData(Map<String, byte[]> pax) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (Map.Entry<String, byte[]> e : pax.entrySet()) {
            byte[] key = e.getKey().getBytes(StandardCharsets.UTF_8);
            int rest = 1 + key.length + 1 + e.getValue().length + 1;
            int len = rest + String.valueOf(rest).length();
            if (String.valueOf(len).length() != String.valueOf(rest).length()) {
                len++;
            }
            b.write((len + " ").getBytes(StandardCharsets.US_ASCII));
            b.write(key);
            b.write('=');
            b.write(e.getValue());
            b.write('\n');
        }
        return b.toByteArray();
    }

    private void header(String name, char type, int mode, long uid, long gid, long size, String link, int major,
            int minor) throws IOException {
        byte[] h = new byte[TarReader.BLOCK];
        put(h, 0, 100, truncate(name, 100));
        octal(h, 100, 8, mode);
        octal(h, 108, 8, uid);
        octal(h, 116, 8, gid);
        octal(h, 124, 12, size);
        octal(h, 136, 12, mtime);
        h[156] = (byte) type;
        put(h, 157, 100, truncate(link, 100));
        put(h, 257, 6, "ustar".getBytes(StandardCharsets.US_ASCII));
        h[263] = '0';
        h[264] = '0';
        put(h, 265, 32, "root".getBytes(StandardCharsets.US_ASCII));
        put(h, 297, 32, "root".getBytes(StandardCharsets.US_ASCII));
        octal(h, 329, 8, major);
        octal(h, 337, 8, minor);
        for (int i = 148; i < 156; i++) {
            h[i] = ' ';
        }
        long sum = 0;
        for (byte x : h) {
            sum += x & 0xff;
        }
        octal(h, 148, 7, sum);
        h[155] = ' ';
        out.write(h);
    }

    private static byte[] truncate(String s, int max) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return b.length <= max ? b : java.util.Arrays.copyOf(b, max);
    }

    private static void put(byte[] h, int off, int len, byte[] value) {
        System.arraycopy(value, 0, h, off, Math.min(len, value.length));
    }

    private static void octal(byte[] h, int off, int len, long value) {
        String s = Long.toOctalString(value);
        if (s.length() > len - 1) {
            throw new IllegalArgumentException("value too large for a ustar field: " + value);
        }
        String padded = "0".repeat(len - 1 - s.length()) + s;
        put(h, off, len - 1, padded.getBytes(StandardCharsets.US_ASCII));
        h[off + len - 1] = 0;
    }

    private void pad(long size) {
        long r = size % TarReader.BLOCK;
        if (r != 0) {
            out.write(new byte[(int) (TarReader.BLOCK - r)], 0, (int) (TarReader.BLOCK - r));
        }
    }
}
