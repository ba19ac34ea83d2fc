package dev.corral.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.core.JsonProcessingException;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void scalarsOfTheWrongTypeAreRefusedAsGoRefusesThem() {
        for (String body : new String[] {"{\"name\": 5}", "{\"name\": 1.5}", "{\"name\": true}", "{\"name\": []}",
            "{\"name\": \"x\", \"extra\": 1}"}) {
            assertThrows(JsonProcessingException.class, () -> Json.MAPPER.readValue(body, NamePost.class), body);
        }
    }

    @Test
    void rightTypesPass() throws Exception {
        assertEquals("x", Json.MAPPER.readValue("{\"name\": \"x\"}", NamePost.class).name());
    }
}
