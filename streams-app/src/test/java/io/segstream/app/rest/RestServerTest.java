package io.segstream.app.rest;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.segstream.app.config.SegstreamConfig;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The REST server on a real port, before any streams client is attached: what it refuses (bad user
 * ids, missing or wrong tokens, oversized lookups) is refused before any store is consulted, so it
 * needs no Kafka; what it lets through answers 503 "starting".
 */
class RestServerTest {

    static final String ADMIN = "admin-token-0123456789";
    static final String READ = "read-token-0123456789";
    static final HttpClient HTTP = HttpClient.newHttpClient();

    private RestServer server;
    private String base;

    private void start(Map<String, Object> settings) {
        Map<String, Object> s = new HashMap<>(settings);
        s.put(SegstreamConfig.REST_PORT_CONFIG, "0");
        server =
                new RestServer(
                        new SegstreamConfig(s),
                        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        base = "http://127.0.0.1:" + server.start();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void shouldNotBeReadyWhileKafkaDoesNotAnswer() throws Exception {
        start(Map.of());
        server.attachBrokerCheck(
                () -> java.util.Optional.of("the Kafka cluster has not answered for 7 s"));

        HttpResponse<String> r = get("/health/ready", null);

        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.body())
                .contains("NOT_READY")
                .contains("\"reason\":\"the Kafka cluster has not answered for 7 s\"");
    }

    @Test
    void shouldAnswerEveryClassOfBadUserIdWith400() throws Exception {
        start(Map.of());
        Map<String, String> classes = new LinkedHashMap<>();
        classes.put("a".repeat(UserIds.MAX_BYTES + 1), "longer than 1024 bytes");
        classes.put("%C3%A9".repeat(513), "longer than 1024 bytes");
        classes.put("a%2Fb", "contains '/'");
        classes.put("a..b", "contains '..'");
        classes.put("%2E%2E", "contains '..'");
        classes.put("a%01b", "control character U+0001");
        classes.put("a%0D%0Ab", "control character U+000D");
        classes.put("a%7F", "control character U+007F");
        classes.put("%C3%28", "not valid UTF-8");
        classes.put("%FF%FE", "not valid UTF-8");
        classes.put("%ED%A0%80", "not valid UTF-8");
        for (var c : classes.entrySet()) {
            for (String path :
                    List.of(
                            "/users/" + c.getKey() + "/segment",
                            "/users/" + c.getKey() + "/explanation")) {
                HttpResponse<String> r = get(path, null);
                assertThat(r.statusCode()).as(path).isEqualTo(400);
                assertThat(r.body()).as(path).startsWith("{\"error\":").contains(c.getValue());
            }
        }
        // NUL is refused by Jetty itself, before any handler: still a 400
        assertThat(get("/users/a%00b/segment", null).statusCode()).isEqualTo(400);
        // java.net.http cannot send a malformed escape; a raw request can
        assertThat(rawStatusLine("/users/a%zz/segment")).contains(" 400 ");
        assertThat(rawStatusLine("/users/a%4/segment")).contains(" 400 ");
        // empty: no route matches
        assertThat(get("/users//segment", null).statusCode()).isEqualTo(404);
        // a valid id passes validation and meets the missing streams client
        assertThat(get("/users/caf%C3%A9/segment", null).statusCode()).isEqualTo(503);
        assertThat(get("/users/" + "a".repeat(UserIds.MAX_BYTES) + "/segment", null).statusCode())
                .isEqualTo(503);
    }

    /** The status line of a GET sent byte for byte, so that the path can be anything. */
    private String rawStatusLine(String path) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", URI.create(base).getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream()
                    .write(
                            ("GET "
                                            + path
                                            + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                                    .getBytes(StandardCharsets.US_ASCII));
            return new BufferedReader(
                            new InputStreamReader(
                                    socket.getInputStream(), StandardCharsets.US_ASCII))
                    .readLine();
        }
    }

    @Test
    void shouldNotForwardARequestThatWasForwardedAlready() throws Exception {
        start(Map.of());
        HttpResponse<String> r =
                HTTP.send(
                        HttpRequest.newBuilder(URI.create(base + "/users/u1/segment"))
                                .header(RestServer.FORWARDED_HEADER, "127.0.0.1:1")
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(503);
    }

    @Test
    void shouldCountTheUsersALookupCouldNotAnswerWhereTheCallerAsked() throws Exception {
        start(Map.of());
        assertThat(unavailable("user")).isZero();
        assertThat(unavailable("batch")).isZero();

        assertThat(get("/users/u1/segment", null).statusCode()).isEqualTo(503);
        assertThat(
                        send(
                                        "POST",
                                        "/segments/lookup",
                                        null,
                                        "{\"userIds\":[\"u1\",\"u2\",\"u3\"]}")
                                .statusCode())
                .isEqualTo(503);
        // refused for the instance that forwarded it, which falls back and counts what it must
        HTTP.send(
                HttpRequest.newBuilder(URI.create(base + "/users/u2/segment"))
                        .header(RestServer.FORWARDED_HEADER, "127.0.0.1:1")
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(unavailable("user")).isEqualTo(1);
        assertThat(unavailable("batch")).isEqualTo(3);
    }

    private double unavailable(String endpoint) throws Exception {
        String metrics = get("/metrics", null).body();
        Matcher m =
                Pattern.compile(
                                "segstream_lookup_unavailable_total\\{endpoint=\""
                                        + endpoint
                                        + "\",?\\} (\\S+)")
                        .matcher(metrics);
        assertThat(m.find()).as("the counter for %s in %s", endpoint, metrics).isTrue();
        return Double.parseDouble(m.group(1));
    }

    @Test
    void shouldRefuseDeletionsWhileNoAdminTokenIsConfigured() throws Exception {
        start(Map.of());
        HttpResponse<String> r = send("DELETE", "/users/u1", "Bearer " + ADMIN, null);
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.body()).contains("set rest.admin.token");
    }

    @Test
    void shouldAskForTokensOnReadsAndAdminButNotOnProbes() throws Exception {
        start(
                Map.of(
                        SegstreamConfig.REST_ADMIN_TOKEN_CONFIG, ADMIN,
                        SegstreamConfig.REST_READ_TOKEN_CONFIG, READ));
        for (String path : new String[] {"/segments", "/model", "/users/u1/segment", "/metrics"}) {
            HttpResponse<String> none = get(path, null);
            assertThat(none.statusCode()).as(path).isEqualTo(401);
            assertThat(none.body()).contains("Authorization: Bearer");
            assertThat(none.headers().firstValue("WWW-Authenticate"))
                    .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
            assertThat(get(path, "Bearer wrong-token-0123456789").body())
                    .as(path)
                    .contains("invalid token");
            // past the check: 503 (no streams client yet) or 200 (metrics)
            assertThat(get(path, "Bearer " + READ).statusCode()).as(path).isIn(200, 503);
            assertThat(get(path, "Bearer " + ADMIN).statusCode()).as(path).isIn(200, 503);
        }
        assertThat(get("/health", null).statusCode()).isEqualTo(200);
        assertThat(get("/health/ready", null).statusCode()).isEqualTo(503);
        assertThat(send("DELETE", "/users/u1", null, null).statusCode()).isEqualTo(401);
        assertThat(send("DELETE", "/users/u1", "Bearer " + READ, null).statusCode()).isEqualTo(401);
        assertThat(send("POST", "/segments/lookup", null, "{\"userIds\":[\"u1\"]}").statusCode())
                .isEqualTo(401);
        // a bad id is refused after the token check, so it tells nothing to strangers
        assertThat(get("/users/a%01b/segment", null).statusCode()).isEqualTo(401);
    }

    @Test
    void shouldRefuseLookupsOverTheLimitOrMalformed() throws Exception {
        start(Map.of());
        String ids = String.join(",", Collections.nCopies(RestServer.MAX_LOOKUP_IDS + 1, "\"u\""));
        HttpResponse<String> tooMany =
                send("POST", "/segments/lookup", null, "{\"userIds\":[" + ids + "]}");
        assertThat(tooMany.statusCode()).isEqualTo(400);
        assertThat(tooMany.body()).contains("at most 1000 user ids").contains("has 1001");
        assertThat(send("POST", "/segments/lookup", null, "not json").body()).contains("not JSON");
        assertThat(send("POST", "/segments/lookup", null, "{\"ids\":[]}").statusCode())
                .isEqualTo(400);
        HttpResponse<String> badId =
                send("POST", "/segments/lookup", null, "{\"userIds\":[\"ok\",\"a/b\"]}");
        assertThat(badId.statusCode()).isEqualTo(400);
        assertThat(badId.body()).contains("userIds[1]").contains("'/'");
        HttpResponse<String> control =
                send("POST", "/segments/lookup", null, "{\"userIds\":[\"a\\u0000b\"]}");
        assertThat(control.body()).contains("userIds[0]").contains("U+0000");
        HttpResponse<String> tooLong =
                send(
                        "POST",
                        "/segments/lookup",
                        null,
                        "{\"userIds\":[\"" + "x".repeat(UserIds.MAX_BYTES + 1) + "\"]}");
        assertThat(tooLong.statusCode()).isEqualTo(400);
        assertThat(tooLong.body()).contains("longer than 1024 bytes");
        assertThat(send("POST", "/segments/lookup", null, "{\"userIds\":[1]}").body())
                .contains("userIds[0] is not a string");
        // a valid batch of the limit passes validation and meets the missing streams client
        String limit = String.join(",", Collections.nCopies(RestServer.MAX_LOOKUP_IDS, "\"u\""));
        assertThat(
                        send("POST", "/segments/lookup", null, "{\"userIds\":[" + limit + "]}")
                                .statusCode())
                .isEqualTo(503);
    }

    private HttpResponse<String> get(String path, String authorization) throws Exception {
        return send("GET", path, authorization, null);
    }

    private HttpResponse<String> send(String method, String path, String authorization, String body)
            throws Exception {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create(base + path))
                        .timeout(Duration.ofSeconds(10))
                        .method(
                                method,
                                body == null
                                        ? HttpRequest.BodyPublishers.noBody()
                                        : HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
