package dev.corral.daemon.trust;

import dev.corral.api.ApiException;
import dev.corral.api.Certificate;
import dev.corral.api.CertificatePut;
import dev.corral.api.CertificatesPost;
import dev.corral.daemon.events.Lifecycle;
import dev.corral.daemon.http.Access;
import dev.corral.daemon.http.ApiResponse;
import dev.corral.daemon.http.Caller;
import dev.corral.daemon.http.Endpoint;
import dev.corral.daemon.http.Etags;
import dev.corral.daemon.http.PeerCertificate;
import dev.corral.daemon.http.Request;
import dev.corral.daemon.http.Route;
import dev.corral.daemon.projects.Projects;
import dev.corral.operations.OperationRegistry;
import io.vertx.core.Future;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * {@code /1.0/certificates}: the trust store. Trusting a certificate, issuing a token and redeeming one all go
 * through {@code POST}, which is open to untrusted callers: it is where a new client presents its token.
 */
public final class CertificatesEndpoint implements Endpoint {

    private static final String PREFIX = "/1.0/certificates/";
    private static final String CLIENT = "client";

    private final TrustStore store;
    private final TrustTokens tokens;
    private final ServerCertificate server;
    private final Supplier<List<String>> addresses;
    private final Supplier<String> tokenExpiry;
    private final Lifecycle lifecycle;

    /**
     * @param addresses where the HTTPS listener listens (empty when it does not)
     * @param tokenExpiry the {@code core.remote_token_expiry} setting, "" for tokens that do not expire
     */
    public CertificatesEndpoint(TrustStore store, OperationRegistry operations, ServerCertificate server,
            Supplier<List<String>> addresses, Supplier<String> tokenExpiry, Lifecycle lifecycle) {
        this.store = store;
        this.tokens = new TrustTokens(operations);
        this.server = server;
        this.addresses = addresses;
        this.tokenExpiry = tokenExpiry;
        this.lifecycle = lifecycle;
    }

    @Override
    public List<Route> routes() {
        return List.of(
                Route.get("/1.0/certificates", Access.TRUSTED, this::list),
                Route.post("/1.0/certificates", Access.PUBLIC, this::create),
                Route.get("/1.0/certificates/{fingerprint}", Access.TRUSTED, this::get),
                Route.put("/1.0/certificates/{fingerprint}", Access.ADMIN, request -> update(request, true)),
                Route.patch("/1.0/certificates/{fingerprint}", Access.ADMIN, request -> update(request, false)),
                Route.delete("/1.0/certificates/{fingerprint}", Access.ADMIN, this::delete));
    }

    private Future<ApiResponse> list(Request request) {
        int recursion = request.recursion(1);
        List<Certificate> all = store.list().stream()
                .sorted(Comparator.comparing(Certificate::name).thenComparing(Certificate::fingerprint))
                .toList();
        return Future.succeededFuture(ApiResponse.sync(recursion == 0
                ? all.stream().map(c -> PREFIX + c.fingerprint()).toList()
                : all));
    }

    private Future<ApiResponse> get(Request request) {
        Certificate certificate = store.get(request.pathParam("fingerprint"));
        return Future.succeededFuture(new ApiResponse.Sync(certificate, etag(certificate)));
    }

    private Future<ApiResponse> create(Request request) {
        CertificatesPost post = request.body(CertificatesPost.class);
        Caller caller = request.caller();
        if (post.wantsToken() && !isEmpty(post.certificate())) {
            throw ApiException.badRequest("Can't use certificate if token is requested");
        }
        if (post.wantsToken() && !CLIENT.equals(post.type())) {
            throw ApiException.badRequest("Tokens can only be issued for client certificates");
        }
        if (post.wantsToken() && addresses.get().isEmpty()) {
            throw ApiException.badRequest("Can't issue token when server isn't listening on network");
        }
        if (caller.trusted() && isEmpty(post.certificate()) && !post.wantsToken()) {
            throw ApiException.badRequest("Client is already trusted");
        }
        X509Certificate peer = PeerCertificate.of(request.raw());
        return request.blocking(() -> {
            CertificatesPost wanted = post;
            if (!caller.isAdmin()) {
                if (post.wantsToken() || post.presentedToken().isEmpty()) {
                    throw ApiException.forbidden("not authorized");
                }
                wanted = tokens.redeem(post.presentedToken());
            } else if (post.wantsToken()) {
                checkRequest(post);
                return new ApiResponse.Async(tokens.issue(post, server.fingerprint(), addresses.get(),
                        TokenExpiry.from(Instant.now(), tokenExpiry.get())));
            }
            checkRequest(wanted);
            X509Certificate certificate = certificateOf(wanted, peer, request.raw().isSSL());
            String fingerprint = Fingerprints.of(certificate);
            String name = isEmpty(wanted.name()) ? nameOf(certificate, caller) : wanted.name();
            store.add(new Certificate(name, CLIENT, wanted.isRestricted(), projectsOf(wanted.projects()),
                    Fingerprints.pem(certificate), Objects.requireNonNullElse(wanted.description(), ""),
                    fingerprint));
            lifecycle.emit("certificate-created", PREFIX + fingerprint, Projects.DEFAULT, caller.requestor(), null);
            return new ApiResponse.Created(PREFIX + fingerprint);
        });
    }

    private Future<ApiResponse> update(Request request, boolean replace) {
        CertificatePut put = request.body(CertificatePut.class);
        String ifMatch = request.ifMatch();
        return request.blocking(() -> {
            synchronized (store) {
                Certificate current = store.get(request.pathParam("fingerprint"));
                if (ifMatch != null && !ifMatch.equals(etag(current))) {
                    throw ApiException.preconditionFailed("ETag doesn't match");
                }
                X509Certificate certificate = isEmpty(put.certificate())
                        ? Fingerprints.parse(current.certificate()) : Fingerprints.parse(put.certificate());
                validate(certificate);
                String type = isEmpty(put.type()) ? current.type() : put.type();
                checkType(type);
                boolean restricted = put.restricted() == null ? !replace && current.restricted() : put.restricted();
                List<String> projects = put.projects() == null && !replace ? current.projects()
                        : projectsOf(put.projects());
                checkProjects(projects);
                Certificate next = new Certificate(
                        isEmpty(put.name()) ? current.name() : put.name(), type, restricted, projects,
                        Fingerprints.pem(certificate),
                        put.description() == null ? (replace ? "" : current.description()) : put.description(),
                        Fingerprints.of(certificate));
                store.replace(current, next);
                lifecycle.emit("certificate-updated", PREFIX + next.fingerprint(), Projects.DEFAULT,
                        request.caller().requestor(), null);
            }
            return ApiResponse.empty();
        });
    }

    private Future<ApiResponse> delete(Request request) {
        return request.blocking(() -> {
            Certificate current = store.get(request.pathParam("fingerprint"));
            store.delete(current);
            lifecycle.emit("certificate-deleted", PREFIX + current.fingerprint(), Projects.DEFAULT,
                    request.caller().requestor(), null);
            return ApiResponse.empty();
        });
    }

    /** The certificate to trust: the one in the request, else the caller's own TLS certificate. */
    private static X509Certificate certificateOf(CertificatesPost post, X509Certificate peer, boolean overTls) {
        X509Certificate certificate;
        if (!isEmpty(post.certificate())) {
            certificate = Fingerprints.parse(post.certificate());
        } else if (!overTls) {
            throw ApiException.badRequest("Can't use TLS data on non-TLS link");
        } else if (peer == null) {
            throw ApiException.badRequest("No client certificate provided");
        } else {
            certificate = peer;
        }
        validate(certificate);
        return certificate;
    }

    private static void validate(X509Certificate certificate) {
        Instant now = Instant.now();
        if (now.isBefore(certificate.getNotBefore().toInstant())) {
            throw ApiException.badRequest("The provided certificate isn't valid yet");
        }
        if (now.isAfter(certificate.getNotAfter().toInstant())) {
            throw ApiException.badRequest("The provided certificate is expired");
        }
        if (certificate.getPublicKey() instanceof java.security.interfaces.RSAPublicKey rsa
                && rsa.getModulus().bitLength() < 2048) {
            throw ApiException.badRequest("RSA key is too weak (minimum of 2048bit)");
        }
    }

    private static void checkRequest(CertificatesPost post) {
        checkType(post.type());
        checkProjects(projectsOf(post.projects()));
    }

    private static void checkType(String type) {
        if (!CLIENT.equals(type)) {
            throw ApiException.badRequest("Unknown certificate type \"" + type + "\"");
        }
    }

    private static void checkProjects(List<String> projects) {
        for (String project : projects) {
            if (!Projects.DEFAULT.equals(project)) {
                throw ApiException.notFound("Project \"" + project + "\" not found");
            }
        }
    }

    /** Incus's fallback names: the certificate's CN, else the client's address. */
    private static String nameOf(X509Certificate certificate, Caller caller) {
        for (String part : certificate.getSubjectX500Principal().getName().split(",")) {
            if (part.startsWith("CN=") && part.length() > 3) {
                return part.substring(3);
            }
        }
        String address = caller.address();
        int colon = address.lastIndexOf(':');
        return colon > 0 ? address.substring(0, colon) : address;
    }

    private static List<String> projectsOf(List<String> projects) {
        return projects == null ? List.of() : List.copyOf(projects);
    }

    private static String etag(Certificate certificate) {
        return Etags.of(new CertificatePut(certificate.name(), certificate.type(), certificate.restricted(),
                certificate.projects(), certificate.certificate(), certificate.description()));
    }

    private static boolean isEmpty(String text) {
        return text == null || text.isEmpty();
    }
}
