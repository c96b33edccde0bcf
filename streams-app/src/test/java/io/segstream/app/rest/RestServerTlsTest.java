package io.segstream.app.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.segstream.app.config.SegstreamConfig;
import io.segstream.app.testing.TestKeystores;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS for the REST API with a self-signed keystore made here by the JDK's keytool. */
class RestServerTlsTest {

    static final String PASSWORD = "keystore-password";

    @TempDir Path dir;

    @Test
    void shouldServeHttpsOnlyWithTheConfiguredKeystore() throws Exception {
        Path keystore = selfSigned(dir.resolve("rest.p12"));
        SegstreamConfig config =
                SegstreamConfig.of(
                        Map.of(
                                SegstreamConfig.REST_PORT_CONFIG,
                                "0",
                                SegstreamConfig.REST_TLS_KEYSTORE_PATH_CONFIG,
                                keystore.toString(),
                                SegstreamConfig.REST_TLS_KEYSTORE_PASSWORD_CONFIG,
                                PASSWORD));
        try (RestServer server =
                new RestServer(config, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))) {
            int port = server.start();
            assertThat(server.scheme()).isEqualTo("https");
            HttpClient trusting = HttpClient.newBuilder().sslContext(trusting(keystore)).build();
            HttpResponse<String> health =
                    trusting.send(
                            request("https://127.0.0.1:" + port + "/health"),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("\"UP\"");

            // a client that does not trust the certificate refuses the server
            assertThatThrownBy(
                            () ->
                                    HttpClient.newHttpClient()
                                            .send(
                                                    request(
                                                            "https://127.0.0.1:"
                                                                    + port
                                                                    + "/health"),
                                                    HttpResponse.BodyHandlers.ofString()))
                    .isInstanceOf(SSLHandshakeException.class);
            // and plain HTTP gets no answer from the application
            int plain;
            try {
                plain =
                        HttpClient.newHttpClient()
                                .send(
                                        request("http://127.0.0.1:" + port + "/health"),
                                        HttpResponse.BodyHandlers.ofString())
                                .statusCode();
            } catch (IOException e) {
                plain = -1;
            }
            assertThat(plain).isNotEqualTo(200);
        }
    }

    @Test
    void shouldFailAtStartNamingTheKeystoreWhenItCannotBeRead() {
        SegstreamConfig config =
                SegstreamConfig.of(
                        Map.of(
                                SegstreamConfig.REST_TLS_KEYSTORE_PATH_CONFIG,
                                dir.resolve("missing.p12").toString(),
                                SegstreamConfig.REST_TLS_KEYSTORE_PASSWORD_CONFIG,
                                PASSWORD));
        assertThatThrownBy(
                        () ->
                                new RestServer(
                                        config,
                                        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)))
                .hasMessageContaining("missing.p12")
                .hasMessageContaining("rest.tls.keystore.path");
    }

    private static HttpRequest request(String url) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build();
    }

    private static Path selfSigned(Path keystore) throws Exception {
        return TestKeystores.selfSigned(keystore, "rest", PASSWORD);
    }

    private static SSLContext trusting(Path keystore) throws Exception {
        KeyStore store = KeyStore.getInstance(keystore.toFile(), PASSWORD.toCharArray());
        TrustManagerFactory tmf =
                TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, tmf.getTrustManagers(), null);
        return tls;
    }
}
