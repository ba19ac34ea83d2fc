package dev.corral.api;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/** A trusted certificate, as {@code GET /1.0/certificates/{fingerprint}} returns it. */
@JsonPropertyOrder({"name", "type", "restricted", "projects", "certificate", "description", "fingerprint"})
public record Certificate(String name, String type, boolean restricted, List<String> projects, String certificate,
        String description, String fingerprint) {
}
