package dev.corral.api;

/** The writable part of an alias ({@code PUT/PATCH /1.0/images/aliases/{name}}). */
public record ImageAliasesEntryPut(String description, String target) {
}
