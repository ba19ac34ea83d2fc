package dev.corral.systests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;

import io.restassured.response.Response;

/** {@code /1.0/projects}: the default project. */
class ProjectsTest {

    @RegisterExtension
    static final Corrald corrald = Corrald.create();

    @Test
    void listHasTheDefaultProject() {
        JsonNode urls = Envelopes.sync(Api.given(corrald).get("/1.0/projects"));
        assertTrue(Json.strings(urls).contains("/1.0/projects/default"), "default listed: " + urls);
        if (!corrald.isExternal()) {
            assertEquals(List.of("/1.0/projects/default"), Json.strings(urls));
        }
    }

    @Test
    void recursionListsProjectObjects() {
        JsonNode projects = Envelopes.sync(Api.given(corrald).get("/1.0/projects?recursion=1"));
        assertTrue(projects.isArray(), "a list: " + projects);
        JsonNode def = null;
        for (JsonNode p : projects) {
            if ("default".equals(p.path("name").asText())) {
                def = p;
            }
        }
        assertNotNull(def, "default project in " + projects);
        assertDefaultProject(def);
    }

    @Test
    void getTheDefaultProject() {
        Response r = Api.given(corrald).get("/1.0/projects/default");
        assertDefaultProject(Envelopes.sync(r));
        assertNotNull(r.header("ETag"), "project has an ETag");
    }

    @Test
    void missingProjectIs404() {
        assertEquals("Project not found", Envelopes.error(Api.given(corrald).get("/1.0/projects/nope"), 404));
    }

    private static void assertDefaultProject(JsonNode p) {
        assertEquals("default", p.get("name").asText());
        assertTrue(p.get("description").isTextual(), "description: " + p);
        assertTrue(p.get("used_by").isArray(), "used_by is a list: " + p);
        p.get("used_by").forEach(u -> assertTrue(u.asText().startsWith("/1.0/"), "used_by holds URLs: " + p));
        JsonNode config = p.get("config");
        assertTrue(config.isObject(), "config: " + p);
        for (String feature : List.of("features.images", "features.profiles", "features.storage.volumes")) {
            assertEquals("true", config.path(feature).asText(null), feature + " of the default project: " + p);
        }
        config.properties().forEach(e -> assertTrue(e.getValue().isTextual(), "string values: " + config));
    }
}
