package dev.corral.daemon.trust;

import dev.corral.api.ApiException;
import dev.corral.api.Certificate;
import dev.corral.daemon.http.Caller;
import dev.corral.daemon.http.TlsClients;
import dev.corral.daemon.state.DocumentTable;
import java.security.cert.X509Certificate;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The trusted client certificates: stored in the state store, and mirrored in memory so that identifying a TLS
 * caller, done on every request on an event loop, never touches the database. Changes block: call them from worker
 * threads.
 */
public final class TrustStore implements TlsClients {

    private static final String GLOBAL = "";

    private final DocumentTable<Certificate> table;
    private volatile Map<String, Certificate> byFingerprint;

    public TrustStore(DocumentTable<Certificate> table) {
        this.table = table;
        reload();
    }

    @Override
    public Caller identify(X509Certificate presented, String address) {
        if (presented == null) {
            return Caller.untrusted("tls", "", address);
        }
        String fingerprint = Fingerprints.of(presented);
        Certificate trusted = byFingerprint.get(fingerprint);
        if (trusted == null) {
            return Caller.untrusted("tls", fingerprint, address);
        }
        return new Caller(true, "tls", fingerprint, address,
                trusted.restricted() ? new HashSet<>(trusted.projects()) : null);
    }

    public List<Certificate> list() {
        return List.copyOf(byFingerprint.values());
    }

    /** By full fingerprint or an unambiguous prefix of one, as Incus looks them up; 404 when none matches. */
    public Certificate get(String fingerprintPrefix) {
        List<Certificate> matches = byFingerprint.values().stream()
                .filter(c -> !fingerprintPrefix.isEmpty() && c.fingerprint().startsWith(fingerprintPrefix))
                .toList();
        if (matches.size() > 1) {
            throw ApiException.badRequest("More than one certificate matches");
        }
        return matches.stream().findFirst().orElseThrow(() -> ApiException.notFound("Certificate not found"));
    }

    public synchronized void add(Certificate certificate) {
        if (byFingerprint.containsKey(certificate.fingerprint())) {
            throw ApiException.conflict("Certificate already in trust store");
        }
        table.insert(GLOBAL, certificate.fingerprint(), certificate);
        reload();
    }

    /** Replaces {@code old}; the fingerprint changes when the certificate itself does. */
    public synchronized void replace(Certificate old, Certificate next) {
        if (!old.fingerprint().equals(next.fingerprint())) {
            if (byFingerprint.containsKey(next.fingerprint())) {
                throw ApiException.conflict("Certificate already in trust store");
            }
            table.rename(GLOBAL, old.fingerprint(), next.fingerprint(), next);
        } else if (!table.update(GLOBAL, old.fingerprint(), next)) {
            throw ApiException.notFound("Certificate not found");
        }
        reload();
    }

    public synchronized void delete(Certificate certificate) {
        if (!table.delete(GLOBAL, certificate.fingerprint())) {
            throw ApiException.notFound("Certificate not found");
        }
        reload();
    }

    private void reload() {
        byFingerprint = table.list(GLOBAL).stream()
                .collect(Collectors.toUnmodifiableMap(Certificate::fingerprint, Function.identity()));
    }
}
