package dev.corral.openapi;

import com.atlassian.oai.validator.restassured.RestAssuredResponse;
import io.restassured.filter.Filter;
import io.restassured.filter.FilterContext;
import io.restassured.response.Response;
import io.restassured.specification.FilterableRequestSpecification;
import io.restassured.specification.FilterableResponseSpecification;

import java.net.URI;
import java.util.List;

/**
 * REST-assured filter: lets the request through untouched, then fails the test with an {@link AssertionError} when
 * the response is not one corral.yaml allows. Stateless; one instance can serve many requests and threads.
 */
final class ValidationFilter implements Filter {

    private static final int BODY_EXCERPT = 2_000;

    private final ResponseChecker checker;

    ValidationFilter(ResponseChecker checker) {
        this.checker = checker;
    }

    @Override
    public Response filter(FilterableRequestSpecification requestSpec, FilterableResponseSpecification responseSpec,
                           FilterContext ctx) {
        Response response = ctx.next(requestSpec, responseSpec);
        String method = requestSpec.getMethod();
        String path = rawPath(requestSpec.getURI());
        List<String> problems = checker.check(method, path, RestAssuredResponse.of(response));
        if (!problems.isEmpty()) {
            throw new AssertionError(report(method, path, response, problems));
        }
        return response;
    }

    /** The path as sent, still percent-encoded (a project named "a b" must match {name}, not split it). */
    static String rawPath(String uri) {
        String path = URI.create(uri).getRawPath();
        return path == null || path.isEmpty() ? "/" : path;
    }

    private static String report(String method, String path, Response response, List<String> problems) {
        StringBuilder text = new StringBuilder("Response does not match ")
                .append(CorralOpenApi.SPEC_RESOURCE).append(": ")
                .append(method).append(' ').append(path).append(" -> ").append(response.getStatusCode());
        problems.forEach(p -> text.append("\n  - ").append(p.replace("\n", "\n    ")));
        String body = response.getBody().asString();
        text.append("\n  body: ").append(body.length() > BODY_EXCERPT ? body.substring(0, BODY_EXCERPT) + "..." : body);
        return text.toString();
    }
}
