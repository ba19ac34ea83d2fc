package dev.corral.openapi;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Body;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.Response;
import com.atlassian.oai.validator.report.MessageResolver;
import com.atlassian.oai.validator.report.ValidationReport;
import com.atlassian.oai.validator.schema.SchemaValidator;
import com.atlassian.oai.validator.util.OpenApiLoader;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.parser.core.models.ParseOptions;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Checks one HTTP response against corral.yaml. Only responses are checked, never requests: tests send malformed
 * requests on purpose, and what matters is that Corral's answer to them is one the document allows.
 *
 * <p>On top of what the document says, three rules the validator cannot express:
 * <ul>
 *   <li>A path the document does not know is fine when the answer is a 404 error envelope, and a method it does not
 *       know on a known path is fine when the answer is a 405 or 501 error envelope: that is how Corral (and Incus)
 *       answer them. Any other answer to an undocumented path or method is a problem.</li>
 *   <li>An error envelope's {@code error_code} repeats the HTTP status; an async envelope's {@code operation} is the
 *       {@code Location} header.</li>
 *   <li>A body without a {@code Content-Type} is a problem (the validator would silently skip it).</li>
 * </ul>
 *
 * <p>Immutable and safe to share between threads.
 */
final class ResponseChecker {

    private static final String PATH_MISSING = "validation.request.path.missing";
    private static final String BODY_MISSING = "validation.response.body.missing";
    private static final String METHOD_NOT_ALLOWED = "validation.request.operation.notAllowed";
    private static final String HEADER_MISSING = "validation.response.header.missing";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final OpenApiInteractionValidator validator;
    private final SchemaValidator schemaValidator;
    private final Schema<?> errorSchema;

    private ResponseChecker(OpenAPI api) {
        // Strict: Incus answers 404 to "/1.0/" and "/1.0/projects/", so a trailing slash is another path.
        this.validator = OpenApiInteractionValidator.createFor(api).withStrictOperationPathMatching().build();
        this.schemaValidator = new SchemaValidator(api, new MessageResolver());
        this.errorSchema = api.getComponents().getSchemas().get("ErrorResponse");
        if (errorSchema == null) {
            throw new IllegalStateException(CorralOpenApi.SPEC_RESOURCE + " has no ErrorResponse schema");
        }
    }

    /** Loads the document from the class path. */
    static ResponseChecker load() {
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        options.setResolveFully(true);
        options.setResolveCombinators(false);
        OpenAPI api = new OpenApiLoader().loadApi(
                OpenApiInteractionValidator.SpecSource.inline(readSpec()), List.of(), options);
        return new ResponseChecker(api);
    }

    private static String readSpec() {
        try (InputStream in = ResponseChecker.class.getClassLoader().getResourceAsStream(CorralOpenApi.SPEC_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(CorralOpenApi.SPEC_RESOURCE + " is not on the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + CorralOpenApi.SPEC_RESOURCE, e);
        }
    }

    /**
     * @param method HTTP method, any case
     * @param path   request path as sent (raw, percent-encoded) or full URL; a query string is ignored
     * @return the problems found, empty when the response is one the document allows
     */
    List<String> check(String method, String path, Response response) {
        return check(method, path, response, false);
    }

    /**
     * @param headersUnknown the response's headers were not captured (only its body was, as {@code incus --debug}
     *                       prints it): a required header such as {@code ETag} is then not missed
     */
    List<String> check(String method, String path, Response response, boolean headersUnknown) {
        Request.Method parsedMethod;
        try {
            parsedMethod = Request.Method.valueOf(method.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return List.of("unknown HTTP method '" + method + "'");
        }
        List<ValidationReport.Message> errors = errors(validator.validateResponse(pathOnly(path), parsedMethod, response));
        if (headersUnknown) {
            errors = errors.stream().filter(m -> !HEADER_MISSING.equals(m.getKey())).toList();
        }
        if (isRaw(response)) {
            // an empty file (an empty console log, an empty log file) is still a file
            errors = errors.stream().filter(m -> !BODY_MISSING.equals(m.getKey())).toList();
        }
        List<String> problems = new ArrayList<>();
        if (isCatchAll(errors, response.getStatus())) {
            problems.addAll(checkErrorEnvelope(response));
        } else {
            errors.forEach(m -> problems.add(describe(m)));
        }
        problems.addAll(checkEnvelopeConsistency(response));
        return List.copyOf(problems);
    }

    /** A raw (octet-stream) answer: a file's bytes, which may be none. */
    private static boolean isRaw(Response response) {
        return response.getContentType().map(t -> t.toLowerCase(Locale.ROOT).startsWith("application/octet-stream"))
                .orElse(false);
    }

    /** The path of a path or a full URL ("http://unix.socket/1.0?project=a" as incus --debug prints it). */
    static String pathOnly(String pathOrUrl) {
        String path = pathOrUrl;
        int scheme = path.indexOf("://");
        if (scheme >= 0) {
            int slash = path.indexOf('/', scheme + 3);
            path = slash < 0 ? "/" : path.substring(slash);
        }
        int query = path.indexOf('?');
        if (query >= 0) {
            path = path.substring(0, query);
        }
        return path.isEmpty() ? "/" : path;
    }

    private static List<ValidationReport.Message> errors(ValidationReport report) {
        return report.getMessages().stream()
                .filter(m -> m.getLevel() == ValidationReport.Level.ERROR)
                .toList();
    }

    private static boolean isCatchAll(List<ValidationReport.Message> errors, int status) {
        if (errors.size() != 1) {
            return false;
        }
        String key = errors.get(0).getKey();
        return (PATH_MISSING.equals(key) && status == 404)
                || (METHOD_NOT_ALLOWED.equals(key) && (status == 405 || status == 501));
    }

    /** An answer to an undocumented path or method: it must still be a well-formed JSON error envelope. */
    private List<String> checkErrorEnvelope(Response response) {
        List<String> problems = new ArrayList<>();
        Optional<String> contentType = response.getContentType();
        if (contentType.isEmpty() || !contentType.get().toLowerCase(Locale.ROOT).startsWith("application/json")) {
            problems.add("error answer to an undocumented path or method must be application/json, got "
                    + contentType.orElse("no Content-Type"));
        }
        String body = bodyText(response);
        if (body.isEmpty()) {
            problems.add("error answer to an undocumented path or method has no body");
            return problems;
        }
        errors(schemaValidator.validate(body, errorSchema, "response.body")).forEach(m -> problems.add(describe(m)));
        return problems;
    }

    private static List<String> checkEnvelopeConsistency(Response response) {
        String body = bodyText(response);
        if (body.isBlank()) {
            return List.of();
        }
        if (response.getContentType().isEmpty()) {
            return List.of("response has a body but no Content-Type header");
        }
        JsonNode envelope;
        try {
            envelope = MAPPER.readTree(body);
        } catch (IOException e) {
            return List.of(); // not JSON: the schema check has said what it thinks of that
        }
        if (envelope == null || !envelope.isObject()) {
            return List.of();
        }
        String type = envelope.path("type").asText("");
        List<String> problems = new ArrayList<>();
        if ("error".equals(type) && envelope.path("error_code").isInt()
                && envelope.path("error_code").asInt() != response.getStatus()) {
            problems.add("error_code " + envelope.path("error_code").asInt() + " does not repeat the HTTP status "
                    + response.getStatus());
        }
        if ("async".equals(type)) {
            String operation = envelope.path("operation").asText("");
            if (!response.getHeaderValues("Location").contains(operation)) {
                problems.add("async answer: Location header " + response.getHeaderValues("Location")
                        + " is not the envelope's operation '" + operation + "'");
            }
        }
        return problems;
    }

    private static String bodyText(Response response) {
        Optional<Body> body = response.getResponseBody();
        if (body.isEmpty() || !body.get().hasBody()) {
            return "";
        }
        try {
            return body.get().toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the response body", e);
        }
    }

    private static String describe(ValidationReport.Message message) {
        StringBuilder line = new StringBuilder();
        append(message, "", line);
        return line.toString();
    }

    /** One problem per top-level message; nested messages (the branches of an anyOf) go on indented lines. */
    private static void append(ValidationReport.Message message, String indent, StringBuilder line) {
        line.append(indent).append('[').append(message.getKey()).append("] ").append(message.getMessage());
        for (String info : message.getAdditionalInfo()) {
            line.append(" (").append(info).append(')');
        }
        for (ValidationReport.Message nested : message.getNestedMessages()) {
            line.append('\n');
            append(nested, indent + "    ", line);
        }
    }
}
