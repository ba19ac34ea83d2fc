package dev.corral.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * {@code POST /1.0/certificates}: trust a certificate ({@code certificate}, or the caller's own TLS certificate),
 * issue a trust token ({@code token: true}), or redeem one ({@code trust_token}; the {@code lxc} 5.0 CLI sends it as
 * {@code password}).
 */
@JsonPropertyOrder({"name", "type", "restricted", "projects", "certificate", "description", "trust_token", "token"})
public record CertificatesPost(String name, String type, Boolean restricted, List<String> projects,
        String certificate, String description, @JsonProperty("trust_token") String trustToken, Boolean token,
        String password) {

    public boolean isRestricted() {
        return Boolean.TRUE.equals(restricted);
    }

    public boolean wantsToken() {
        return Boolean.TRUE.equals(token);
    }

    /** The token to redeem, whichever field carried it; "" when none. */
    public String presentedToken() {
        if (trustToken != null && !trustToken.isEmpty()) {
            return trustToken;
        }
        return password == null ? "" : password;
    }
}
