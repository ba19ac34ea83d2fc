package dev.corral.api;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** An image alias ({@code GET /1.0/images/aliases/{name}}); also the body of {@code POST /1.0/images/aliases}. */
@JsonPropertyOrder({"name", "description", "target", "type"})
public record ImageAliasesEntry(String name, String description, String target, String type) {
}
