package dev.corral.api;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * The writable part of a trusted certificate ({@code PUT/PATCH /1.0/certificates/{fingerprint}}). {@code projects}
 * only matters when {@code restricted}: the projects the certificate may use.
 */
@JsonPropertyOrder({"name", "type", "restricted", "projects", "certificate", "description"})
public record CertificatePut(String name, String type, Boolean restricted, List<String> projects,
        String certificate, String description) {
}
