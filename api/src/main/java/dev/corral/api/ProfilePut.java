package dev.corral.api;

import java.util.Map;

/** The writable part of a profile ({@code PUT/PATCH /1.0/profiles/{name}}). */
public record ProfilePut(Map<String, String> config, String description, Map<String, Map<String, String>> devices) {
}
