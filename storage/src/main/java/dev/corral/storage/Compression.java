package dev.corral.storage;

import com.github.luben.zstd.ZstdInputStream;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.lz4.FramedLZ4CompressorInputStream;
import org.tukaani.xz.LZMAInputStream;
import org.tukaani.xz.XZInputStream;

/** What an image file is, by its first bytes (as Incus's {@code archive.DetectCompressionFile}), and how to read it. */
enum Compression {
    TAR(".tar"),
    GZIP(".tar.gz"),
    BZIP2(".tar.bz2"),
    XZ(".tar.xz"),
    LZMA(".tar.lzma"),
    ZSTD(".tar.zst"),
    LZ4(".tar.lz4"),
    SQUASHFS(".squashfs"),
    QCOW2(".qcow2"),
    UNKNOWN("");

    private static final int BUFFER = 256 * 1024;

    private final String extension;

    Compression(String extension) {
        this.extension = extension;
    }

    /** The extension Incus gives the file on export ({@code .tar.gz}, {@code .squashfs}, ...). */
    String extension() {
        return extension;
    }

    /** Whether the file is a tarball, compressed or not. */
    boolean tarball() {
        return this != SQUASHFS && this != QCOW2 && this != UNKNOWN;
    }

    static Compression detect(Path file) throws IOException {
        byte[] header = new byte[263];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(header, 0, header.length);
        }
        return detect(Arrays.copyOf(header, n));
    }

    static Compression detect(byte[] h) {
        int n = h.length;
        if (n >= 2 && h[0] == 'B' && h[1] == 'Z') {
            return BZIP2;
        }
        if (n >= 2 && (h[0] & 0xff) == 0x1f && (h[1] & 0xff) == 0x8b) {
            return GZIP;
        }
        if (n >= 6 && h[1] == '7' && h[2] == 'z' && h[3] == 'X' && h[4] == 'Z') {
            return (h[0] & 0xff) == 0xfd ? XZ : LZMA;
        }
        if (n >= 3 && h[0] == 0x5d && h[1] == 0 && h[2] == 0) {
            return LZMA;
        }
        if (n >= 4 && (h[0] & 0xff) == 0x28 && (h[1] & 0xff) == 0xb5 && (h[2] & 0xff) == 0x2f
                && (h[3] & 0xff) == 0xfd) {
            return ZSTD;
        }
        if (n >= 4 && h[0] == 0x04 && h[1] == 0x22 && h[2] == 0x4d && h[3] == 0x18) {
            return LZ4;
        }
        if (n >= 262 && h[257] == 'u' && h[258] == 's' && h[259] == 't' && h[260] == 'a' && h[261] == 'r') {
            return TAR;
        }
        if (n >= 4 && h[0] == 'h' && h[1] == 's' && h[2] == 'q' && h[3] == 's') {
            return SQUASHFS;
        }
        if (n >= 4 && h[0] == 'Q' && h[1] == 'F' && h[2] == 'I' && (h[3] & 0xff) == 0xfb) {
            return QCOW2;
        }
        return UNKNOWN;
    }

    /** The decompressed tar stream of a tarball of this kind, read from {@code raw}. */
    InputStream decompress(InputStream raw) throws IOException {
        InputStream in = new BufferedInputStream(raw, BUFFER);
        return switch (this) {
            case TAR -> in;
            case GZIP -> new GZIPInputStream(in, 64 * 1024);
            case BZIP2 -> new BZip2CompressorInputStream(in, true);
            case XZ -> new XZInputStream(in);
            case LZMA -> new LZMAInputStream(in);
            case ZSTD -> new ZstdInputStream(in);
            case LZ4 -> new FramedLZ4CompressorInputStream(in, true);
            default -> throw new IOException("not a tarball");
        };
    }
}
