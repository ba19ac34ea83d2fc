package dev.corral.daemon.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.corral.api.ApiException;
import dev.corral.api.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Incus's {@code ?filter=} language for lists, the part clients use: {@code <field> eq|ne <value>} clauses joined by
 * {@code and} / {@code or} ({@code and} binds tighter), fields as dotted paths into the object
 * ({@code name}, {@code status}, {@code config.image.os}, {@code expanded_config.limits.cpu}).
 */
public final class ListFilter {

    private record Clause(String field, boolean equal, String value) {
    }

    /** Disjunction of conjunctions. */
    private final List<List<Clause>> alternatives;

    private ListFilter(List<List<Clause>> alternatives) {
        this.alternatives = alternatives;
    }

    public static ListFilter parse(String text) {
        List<List<Clause>> alternatives = new ArrayList<>();
        List<Clause> current = new ArrayList<>();
        String[] words = text.trim().split("\\s+");
        int i = 0;
        while (i < words.length) {
            if (i + 2 >= words.length) {
                throw ApiException.badRequest("Invalid filter \"" + text + "\"");
            }
            String op = words[i + 1].toLowerCase(Locale.ROOT);
            if (!op.equals("eq") && !op.equals("ne")) {
                throw ApiException.badRequest("Invalid filter operator \"" + words[i + 1] + "\"");
            }
            current.add(new Clause(words[i], op.equals("eq"), unquote(words[i + 2])));
            i += 3;
            if (i < words.length) {
                String joiner = words[i].toLowerCase(Locale.ROOT);
                if (joiner.equals("or")) {
                    alternatives.add(current);
                    current = new ArrayList<>();
                } else if (!joiner.equals("and")) {
                    throw ApiException.badRequest("Invalid filter \"" + text + "\"");
                }
                i++;
                if (i >= words.length) {
                    throw ApiException.badRequest("Invalid filter \"" + text + "\"");
                }
            }
        }
        alternatives.add(current);
        return new ListFilter(alternatives);
    }

    public boolean matches(Object object) {
        JsonNode node = Json.MAPPER.valueToTree(object);
        for (List<Clause> clauses : alternatives) {
            if (clauses.stream().allMatch(clause -> clause.equal == clause.value.equalsIgnoreCase(value(node,
                    clause.field)))) {
                return true;
            }
        }
        return false;
    }

    /** Maps hold dotted keys ({@code config.image.os}): after the map's own name the rest is one key. */
    private static String value(JsonNode node, String field) {
        int dot = field.indexOf('.');
        String head = dot < 0 ? field : field.substring(0, dot);
        JsonNode child = node.get(head);
        if (child == null) {
            return "";
        }
        if (dot < 0) {
            return child.isValueNode() ? child.asText() : child.toString();
        }
        String rest = field.substring(dot + 1);
        JsonNode direct = child.get(rest);
        if (direct != null) {
            return direct.isValueNode() ? direct.asText() : direct.toString();
        }
        return value(child, rest);
    }

    private static String unquote(String value) {
        if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"")
                || value.startsWith("'") && value.endsWith("'"))) {
            return value.substring(1, value.length() - 1);
        }
        return value;
    }
}
