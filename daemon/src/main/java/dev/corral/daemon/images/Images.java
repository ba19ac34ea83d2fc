package dev.corral.daemon.images;

import dev.corral.api.ApiException;
import dev.corral.api.Image;
import dev.corral.daemon.instances.ImageCatalog;
import dev.corral.daemon.state.DocumentTable;
import dev.corral.daemon.state.StateConflictException;
import java.time.Instant;
import java.util.List;

/** Image and alias records: lookup by fingerprint prefix or alias. Blocking. */
public final class Images implements ImageCatalog {

    /** Go's zero time, Incus's "never". */
    static final String NEVER = "0001-01-01T00:00:00Z";

    private final DocumentTable<ImageRecord> images;
    private final DocumentTable<AliasRecord> aliases;

    public Images(DocumentTable<ImageRecord> images, DocumentTable<AliasRecord> aliases) {
        this.images = images;
        this.aliases = aliases;
    }

    List<ImageRecord> list(String project) {
        return images.list(project);
    }

    /** The image whose fingerprint starts with {@code prefix}; 404 if none, 400 if more than one. */
    public ImageRecord find(String project, String prefix) {
        if (prefix == null || prefix.isEmpty()) {
            throw ApiException.notFound("Image not found");
        }
        var exact = images.get(project, prefix);
        if (exact.isPresent()) {
            return exact.get();
        }
        List<ImageRecord> matches = images.list(project).stream()
                .filter(image -> image.fingerprint().startsWith(prefix)).toList();
        if (matches.isEmpty()) {
            throw ApiException.notFound("Image not found");
        }
        if (matches.size() > 1) {
            throw ApiException.badRequest("More than one image matches \"" + prefix + "\"");
        }
        return matches.get(0);
    }

    boolean exists(String project, String fingerprint) {
        return images.get(project, fingerprint).isPresent();
    }

    void add(String project, ImageRecord image) {
        try {
            images.insert(project, image.fingerprint(), image);
        } catch (StateConflictException e) {
            throw ApiException.conflict("Image with same fingerprint already exists");
        }
    }

    void update(String project, ImageRecord image) {
        images.update(project, image.fingerprint(), image);
    }

    /** Removes the image and the aliases pointing at it. */
    void remove(String project, String fingerprint) {
        for (AliasRecord alias : aliasesOf(project, fingerprint)) {
            aliases.delete(project, alias.name());
        }
        images.delete(project, fingerprint);
    }

    DocumentTable<AliasRecord> aliases() {
        return aliases;
    }

    List<AliasRecord> aliasesOf(String project, String fingerprint) {
        return aliases.list(project).stream().filter(alias -> alias.target().equals(fingerprint)).toList();
    }

    Image toApi(String project, ImageRecord image) {
        return new Image(image.autoUpdate(), image.properties(), image.isPublic(), image.expiresAt(),
                image.profiles(),
                aliasesOf(project, image.fingerprint()).stream()
                        .map(alias -> new Image.ImageAlias(alias.name(), alias.description())).toList(),
                image.architecture(), false, image.filename(), image.fingerprint(), image.size(), image.type(),
                image.createdAt(), image.lastUsedAt(), image.uploadedAt(), project);
    }

    @Override
    public ResolvedImage resolve(String project, String alias, String fingerprint) {
        ImageRecord image;
        if (alias != null && !alias.isEmpty()) {
            AliasRecord entry = aliases.get(project, alias)
                    .orElseThrow(() -> ApiException.notFound("Image alias \"" + alias + "\" not found"));
            image = find(project, entry.target());
        } else if (fingerprint != null && !fingerprint.isEmpty()) {
            image = find(project, fingerprint);
        } else {
            throw ApiException.badRequest("An image source needs an alias or a fingerprint");
        }
        return new ResolvedImage(image.fingerprint(), image.architecture(), image.type(), image.properties());
    }

    @Override
    public void markUsed(String project, String fingerprint) {
        images.get(project, fingerprint).ifPresent(image -> images.update(project, fingerprint,
                image.withUse(Instant.now().toString())));
    }
}
