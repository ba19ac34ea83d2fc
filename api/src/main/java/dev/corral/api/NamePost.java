package dev.corral.api;

/** {@code POST} on a named resource to rename it ({@code {"name": "new"}}). */
public record NamePost(String name) {
}
