package dev.corral.api;

import java.util.Map;

/** The writable part of the server ({@code PUT/PATCH /1.0}). */
public record ServerPut(Map<String, Object> config) {
}
