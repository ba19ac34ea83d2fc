package dev.corral.storage;

import dev.corral.api.ApiException;
import dev.corral.instance.IdMap;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders an image's templates into an instance's root filesystem ({@code metadata.yaml}'s {@code templates}, with
 * the files under the volume's {@code templates/}), for one trigger ({@code create}, {@code copy}, {@code start},
 * {@code rename}). Incus uses the pongo2 language; Corral substitutes the variables images actually use —
 * {@code {{ instance.name }}} (or {@code container.name}), {@code instance.type}, {@code instance.architecture},
 * {@code trigger}, {@code properties.<key>} — and leaves any other expression as it is.
 *
 * <p>Writes never leave the root filesystem: a path with {@code ..} or through a symbolic link is refused.
 * Blocking.
 */
public final class ImageTemplates {

    private static final Pattern EXPRESSION = Pattern.compile("\\{\\{\\s*([a-zA-Z0-9_.]+)\\s*}}");

    private ImageTemplates() {
    }

    /**
     * @param variables {@code instance.name}, {@code instance.type}, {@code instance.architecture}
     * @param idMap the container's id map (files belong to its root), or null (host root)
     */
    public static void render(Path volume, String trigger, Map<String, String> variables, IdMap idMap) {
        Path metadataFile = volume.resolve("metadata.yaml");
        if (!Files.isRegularFile(metadataFile, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            ImageMetadata metadata = ImageMetadata.parse(Files.readAllBytes(metadataFile));
            for (Map.Entry<String, ImageTemplate> entry : metadata.templates().entrySet()) {
                ImageTemplate template = entry.getValue();
                if (!template.when().contains(trigger)) {
                    continue;
                }
                Path source = inside(volume.resolve("templates"), template.template());
                String text = Files.readString(source, StandardCharsets.UTF_8);
                String rendered = substitute(text, trigger, variables, template.properties());
                write(inside(volume.resolve("rootfs"), entry.getKey()), rendered, template, idMap);
            }
        } catch (IOException e) {
            throw ApiException.internal("cannot apply the image's templates: " + e.getMessage(), e);
        }
    }

    static String substitute(String text, String trigger, Map<String, String> variables,
            Map<String, String> properties) {
        Matcher m = EXPRESSION.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1).replaceFirst("^container\\.", "instance.");
            String value = name.equals("trigger") ? trigger
                    : name.startsWith("properties.") ? properties.get(name.substring("properties.".length()))
                    : variables.get(name);
            m.appendReplacement(out, Matcher.quoteReplacement(value != null ? value : m.group()));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** {@code relative} under {@code root}, refusing {@code ..} and any symbolic link on the way. */
    private static Path inside(Path root, String relative) throws IOException {
        Path path = root;
        String[] parts = relative.split("/");
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                throw ApiException.badRequest("Image template path \"" + relative + "\" leaves the instance");
            }
            path = path.resolve(part);
            boolean last = i == parts.length - 1;
            if (!last && Files.isSymbolicLink(path)) {
                throw ApiException.badRequest("Image template path \"" + relative + "\" goes through a link");
            }
        }
        return path;
    }

    private static void write(Path target, String text, ImageTemplate template, IdMap idMap) throws IOException {
        Path directory = target.getParent();
        if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
            return; // the image has no such directory: nothing to fill in (as Incus)
        }
        Path temporary = directory.resolve("." + target.getFileName() + ".corral-template");
        Files.writeString(temporary, text, StandardCharsets.UTF_8);
        Set<PosixFilePermission> mode = PosixFilePermissions.fromString(permissions(template.mode()));
        Files.setPosixFilePermissions(temporary, mode);
        long uid = parseId(template.uid());
        long gid = parseId(template.gid());
        Files.setAttribute(temporary, "unix:uid", (int) (idMap == null ? uid : idMap.toHostUid(uid)),
                LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(temporary, "unix:gid", (int) (idMap == null ? gid : idMap.toHostGid(gid)),
                LinkOption.NOFOLLOW_LINKS);
        // Replaces a link at the target too, rather than writing through it.
        Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static long parseId(String id) {
        try {
            return id == null || id.isEmpty() ? 0 : Long.parseLong(id);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** An octal mode ("0644") as rwx text; 0644 when absent or unreadable. */
    private static String permissions(String mode) {
        int bits = 0644;
        try {
            if (mode != null && !mode.isEmpty()) {
                bits = Integer.parseInt(mode, 8) & 0777;
            }
        } catch (NumberFormatException e) {
            bits = 0644;
        }
        StringBuilder text = new StringBuilder();
        for (int shift = 6; shift >= 0; shift -= 3) {
            text.append((bits >> shift & 4) != 0 ? 'r' : '-')
                    .append((bits >> shift & 2) != 0 ? 'w' : '-')
                    .append((bits >> shift & 1) != 0 ? 'x' : '-');
        }
        return text.toString();
    }
}
