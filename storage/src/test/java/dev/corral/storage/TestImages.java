package dev.corral.storage;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/** Small images and uploads for tests. */
final class TestImages {

    static final String BOUNDARY = "73980216851af173ce6818cba23b4c12bf1f4b4081dc46ea47fc6d005a69";

    private TestImages() {
    }

    /** A unified container image: metadata.yaml, a template, rootfs/ with a few entries. */
    static TarBuilder unified() {
        return new TarBuilder()
                .metadata(TarBuilder.metadataYaml()
                        + "templates:\n  /etc/hostname:\n    when: [create, copy]\n    template: hostname.tpl\n")
                .dir("templates")
                .file("templates/hostname.tpl", "{{ instance.name }}\n")
                .dir("rootfs")
                .dir("rootfs/bin")
                .file("rootfs/bin/tool", "#!/bin/sh\necho hi\n".getBytes(StandardCharsets.UTF_8), 0755, 0, 0, Map.of())
                .dir("rootfs/etc")
                .file("rootfs/etc/hostname", "test\n");
    }

    /** The metadata tarball of a split image. */
    static byte[] splitMetadata() {
        return new TarBuilder().metadata(TarBuilder.metadataYaml()).tarGz();
    }

    /** The rootfs tarball of a split image (paths relative to the root file system). */
    static byte[] splitRootfs() {
        return new TarBuilder().dir(".").dir("bin")
                .file("bin/tool", "#!/bin/sh\n".getBytes(StandardCharsets.UTF_8), 0755, 0, 0, Map.of())
                .dir("etc").file("etc/hostname", "split\n").tarGz();
    }

    /** A multipart/form-data body as Go's mime/multipart writes it for {@code incus image import META ROOTFS}. */
    static byte[] multipart(String metaField, String metaName, byte[] meta, String rootField, String rootName,
            byte[] rootfs) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try {
            b.write(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + metaField + "\"; filename=\""
                    + metaName + "\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            b.write(meta);
            if (rootField != null) {
                b.write(("\r\n--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + rootField
                        + "\"; filename=\"" + rootName + "\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                        .getBytes(StandardCharsets.UTF_8));
                b.write(rootfs);
            }
            b.write(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return b.toByteArray();
    }

    static ImageUpload unifiedUpload(String filename) {
        return new ImageUpload("application/octet-stream", filename, null, false, Map.of(), List.of(), List.of());
    }

    static ImageUpload splitUpload() {
        return ImageUpload.of("multipart/form-data; boundary=" + BOUNDARY);
    }

    static ImageInfo importBytes(ImageStore store, byte[] body, ImageUpload upload) {
        return store.importImage(new ByteArrayInputStream(body), upload, body.length, Progress.NONE);
    }

    static String sha256(byte[]... parts) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (byte[] p : parts) {
                md.update(p);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }
}
