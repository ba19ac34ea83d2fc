package dev.corral.systests;

import dev.corral.openapi.CorralOpenApi;
import io.restassured.RestAssured;
import io.restassured.config.EncoderConfig;
import io.restassured.config.HttpClientConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.config.SSLConfig;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import javax.net.ssl.SSLContext;

/** REST-assured over the daemon's unix socket. */
public final class Api {

    /** The base URI of every request; the host part is never resolved, connections go to the socket. */
    public static final String BASE_URI = "http://corral";

    private Api() {
    }

    /**
     * A request specification for {@code daemon}: base URI {@value #BASE_URI} over its unix socket, JSON content
     * type, every answer checked against Corral's OpenAPI document.
     */
    public static RequestSpecification given(Corrald daemon) {
        return unchecked(daemon).filter(CorralOpenApi.restAssuredFilter());
    }

    /**
     * A request specification for the daemon's HTTPS listener on loopback {@code port}, over {@code tls} (which
     * decides the client certificate, if any); every answer checked against the OpenAPI document.
     */
    @SuppressWarnings("deprecation") // REST-assured takes HttpClient 4's socket factory
    public static RequestSpecification tls(int port, SSLContext tls) {
        RestAssuredConfig config = RestAssuredConfig.config()
                .sslConfig(SSLConfig.sslConfig().sslSocketFactory(new org.apache.http.conn.ssl.SSLSocketFactory(tls,
                        org.apache.http.conn.ssl.SSLSocketFactory.ALLOW_ALL_HOSTNAME_VERIFIER)))
                .encoderConfig(EncoderConfig.encoderConfig()
                        .appendDefaultContentCharsetToContentTypeIfUndefined(false));
        return RestAssured.given()
                .config(config)
                .baseUri("https://127.0.0.1:" + port)
                .contentType(ContentType.JSON)
                .urlEncodingEnabled(false)
                .filter(CorralOpenApi.restAssuredFilter());
    }

    /**
     * The same without the OpenAPI check: only for endpoints the document deliberately leaves out (the test-only
     * {@code /internal/testing/...} hooks).
     */
    public static RequestSpecification unchecked(Corrald daemon) {
        RestAssuredConfig config = RestAssuredConfig.config()
                .httpClient(HttpClientConfig.httpClientConfig()
                        .httpClientFactory(new UnixSocketHttpClientFactory(daemon.socket())))
                .encoderConfig(EncoderConfig.encoderConfig()
                        .appendDefaultContentCharsetToContentTypeIfUndefined(false));
        return RestAssured.given()
                .config(config)
                .baseUri(BASE_URI)
                .contentType(ContentType.JSON)
                .urlEncodingEnabled(false);
    }
}
