package dev.corral.client;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.List;

/**
 * The client's Jackson configuration. Unlike the daemon's strict {@code dev.corral.api.Json.MAPPER}, it is lenient
 * on input (a newer daemon, or the real Incus, sends fields these records do not know, and nulls where Corral sends
 * values) and leaves nulls out of requests: for Incus a {@code null} in a PATCH body would clear the field, while an
 * absent one keeps it.
 */
final class ClientJson {

    static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .defaultPropertyInclusion(JsonInclude.Value.construct(JsonInclude.Include.NON_NULL,
                    JsonInclude.Include.USE_DEFAULTS))
            .build();

    private ClientJson() {
    }

    static JavaType type(Class<?> type) {
        return MAPPER.getTypeFactory().constructType(type);
    }

    static JavaType listOf(Class<?> element) {
        return MAPPER.getTypeFactory().constructCollectionType(List.class, element);
    }
}
