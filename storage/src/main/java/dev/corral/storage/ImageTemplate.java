package dev.corral.storage;

import java.util.List;
import java.util.Map;

/**
 * One entry of {@code templates:} in an image's {@code metadata.yaml}: a file in the instance generated from
 * {@code templates/<template>} (Incus's {@code api.ImageMetadataTemplate}).
 *
 * @param when when to apply it: {@code create}, {@code copy}, {@code start}
 * @param createOnly apply only when the file does not exist yet
 * @param template file name under the image's {@code templates/}
 * @param properties key/values passed to the template
 * @param uid owner of the generated file, or null
 * @param gid group of the generated file, or null
 * @param mode permissions of the generated file (octal text, e.g. {@code 644}), or null
 */
public record ImageTemplate(
        List<String> when,
        boolean createOnly,
        String template,
        Map<String, String> properties,
        String uid,
        String gid,
        String mode) {

    public ImageTemplate {
        when = List.copyOf(when);
        properties = Map.copyOf(properties);
    }
}
