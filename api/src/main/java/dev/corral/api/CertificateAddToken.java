package dev.corral.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * What a trust token carries, as the {@code incus} CLI builds and reads it: base64 of this JSON. The client connects
 * to one of {@code addresses}, accepts the server certificate whose SHA-256 is {@code fingerprint}, and sends the
 * whole token back; the server finds its token operation by {@code secret}.
 */
@JsonPropertyOrder({"client_name", "fingerprint", "addresses", "secret", "expires_at"})
public record CertificateAddToken(@JsonProperty("client_name") String clientName, String fingerprint,
        List<String> addresses, String secret, @JsonProperty("expires_at") String expiresAt) {
}
