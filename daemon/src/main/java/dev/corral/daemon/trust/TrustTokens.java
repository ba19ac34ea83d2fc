package dev.corral.daemon.trust;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.corral.api.ApiException;
import dev.corral.api.CertificateAddToken;
import dev.corral.api.CertificatesPost;
import dev.corral.api.Json;
import dev.corral.api.Operation;
import dev.corral.api.StatusCode;
import dev.corral.operations.OperationRegistry;
import dev.corral.operations.OperationSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Trust tokens, as Incus makes them: a token is a Running operation of class "token" in the default project whose
 * metadata holds a random secret; the client gets base64 JSON with that secret, the server's fingerprint and its
 * addresses. Redeeming uses the token up; cancelling the operation revokes it; {@code expiresAt} bounds it.
 */
final class TrustTokens {

    private static final String PROJECT = "default";
    private static final ObjectReader TOKEN_READER = Json.MAPPER.readerFor(CertificateAddToken.class)
            .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final OperationRegistry operations;
    private final SecureRandom random = new SecureRandom();

    TrustTokens(OperationRegistry operations) {
        this.operations = operations;
    }

    /** Issues a token for {@code request} (its name, type, restriction and projects are what the client gets). */
    Operation issue(CertificatesPost request, String fingerprint, List<String> addresses, Instant expiresAt) {
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        Map<String, Object> asked = new LinkedHashMap<>();
        asked.put("name", Objects.requireNonNullElse(request.name(), ""));
        asked.put("type", request.type());
        asked.put("restricted", request.isRestricted());
        asked.put("projects", request.projects() == null ? List.of() : request.projects());
        asked.put("certificate", "");
        asked.put("description", Objects.requireNonNullElse(request.description(), ""));
        asked.put("token", true);
        asked.put("trust_token", "");
        OperationSpec spec = OperationSpec.token("Executing operation")
                .project(PROJECT)
                .metadata("secret", HexFormat.of().formatHex(secret))
                .metadata("fingerprint", fingerprint)
                .metadata("addresses", addresses)
                .metadata("request", asked);
        if (expiresAt != null) {
            spec.metadata("expiresAt", expiresAt.toString());
        }
        return operations.submit(spec);
    }

    /**
     * Uses up the token the client sent and returns what it was issued for (name, type, restricted, projects);
     * a 403 for anything that is not a live token of this server. The token is used up even if it has expired.
     */
    @SuppressWarnings("unchecked")
    CertificatesPost redeem(String presented) {
        CertificateAddToken token = decode(presented);
        byte[] secret = token.secret() == null ? new byte[0] : token.secret().getBytes(StandardCharsets.UTF_8);
        for (Operation op : operations.list(PROJECT)) {
            Object opSecret = op.metadata() == null ? null : op.metadata().get("secret");
            if (!"token".equals(op.operationClass()) || op.statusCode() != StatusCode.RUNNING.code()
                    || !(opSecret instanceof String text)
                    || !MessageDigest.isEqual(text.getBytes(StandardCharsets.UTF_8), secret)) {
                continue;
            }
            Operation used = operations.redeem(op.id());
            if (used == null) {
                break;
            }
            Object expiresAt = used.metadata().get("expiresAt");
            if (expiresAt instanceof String when && Instant.now().isAfter(Instant.parse(when))) {
                throw ApiException.forbidden("Token has expired");
            }
            Map<String, Object> asked = (Map<String, Object>) used.metadata().get("request");
            return new CertificatesPost((String) asked.get("name"), (String) asked.get("type"),
                    Boolean.TRUE.equals(asked.get("restricted")), (List<String>) asked.get("projects"), "",
                    (String) asked.get("description"), "", false, null);
        }
        throw ApiException.forbidden("No matching certificate add operation found");
    }

    private static CertificateAddToken decode(String presented) {
        try {
            return TOKEN_READER.readValue(Base64.getDecoder().decode(presented.trim()));
        } catch (IllegalArgumentException | IOException e) {
            throw ApiException.forbidden("not authorized");
        }
    }
}
