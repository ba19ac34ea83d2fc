package dev.corral.client;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Turns {@code recursion=0} answers (resource URLs) into names. */
final class Names {

    private Names() {
    }

    /** {@code /1.0/instances/c1?project=p} to {@code c1}. */
    static String lastSegment(String url) {
        String path = url;
        int query = path.indexOf('?');
        if (query >= 0) {
            path = path.substring(0, query);
        }
        int slash = path.lastIndexOf('/');
        return URLDecoder.decode(path.substring(slash + 1), StandardCharsets.UTF_8);
    }

    static List<String> of(List<String> urls) {
        return urls == null ? List.of() : urls.stream().map(Names::lastSegment).toList();
    }
}
