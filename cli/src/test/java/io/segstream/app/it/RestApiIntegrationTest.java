package io.segstream.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.segstream.app.config.SegstreamConfig;
import io.segstream.app.embedded.EmbeddedKafkaCluster;
import io.segstream.app.rest.RestServer;
import io.segstream.app.runtime.ConsumerProgress;
import io.segstream.app.runtime.SegstreamApp;
import io.segstream.app.runtime.TopicAdmin;
import io.segstream.app.topology.SegstreamTopology;
import io.segstream.core.encoder.CachingTextEncoder;
import io.segstream.core.encoder.EncoderConfig;
import io.segstream.core.encoder.OnnxTextEncoder;
import io.segstream.schemas.AvroCodec;
import io.segstream.schemas.EncoderInfo;
import io.segstream.schemas.SegmentChange;
import io.segstream.schemas.SegmentChangeType;
import io.segstream.schemas.SegmentModel;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The REST API of two app instances on one embedded broker, with both tokens set, on a pinned model
 * of 200 real customers: forwarding with the caller's token, batch lookups across the instances,
 * reads from a standby copy, erasure through {@code DELETE /users/{id}} and bad ids.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RestApiIntegrationTest {

    static final int CUSTOMERS = 200;
    static final Duration WAIT = Duration.ofMinutes(3);
    static final String ADMIN = "Bearer admin-token-0123456789";
    static final String READ = "Bearer read-token-0123456789";
    static final String PREFIX = "it-rest.";
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final ObjectMapper JSON = new ObjectMapper();

    static EmbeddedKafkaCluster kafka;
    static RetailFixture retail;
    static final List<SegstreamApp> apps = new ArrayList<>();
    static List<String> users;

    @TempDir static Path state;

    @BeforeAll
    static void start() throws Exception {
        retail = RetailFixture.firstCustomers(CUSTOMERS);
        users = new ArrayList<>(retail.customers);
        kafka = EmbeddedKafkaCluster.start();
        SegmentModel model;
        try (CachingTextEncoder encoder = CachingTextEncoder.open(EncoderConfig.defaults())) {
            OnnxTextEncoder onnx = (OnnxTextEncoder) encoder.delegate();
            EncoderInfo info =
                    new EncoderInfo(onnx.modelId(), onnx.modelSha256(), onnx.dimension());
            model = retail.offlineModel(encoder, info, config(0).profileSettings(), 4, 0.5);
        }
        TopicAdmin.ensureTopics(config(0));
        KafkaIo.produceRaw(
                kafka.clientProperties(),
                config(0).topics().segmentModel(),
                "v1",
                AvroCodec.of(SegmentModel.class).encode(model));
        for (int i = 0; i < 2; i++) {
            apps.add(SegstreamApp.start(config(i)));
        }
        for (SegstreamApp app : apps) {
            app.awaitRunning(Duration.ofMinutes(1));
        }
        KafkaIo.produceOrders(kafka.clientProperties(), config(0).topics().orders(), retail.orders);
        try (ConsumerProgress progress = new ConsumerProgress(kafka.clientProperties())) {
            progress.await(
                    PREFIX + "app",
                    List.of(config(0).topics().orders()),
                    ConsumerProgress.repartitionTopics(config(0)),
                    WAIT);
        }
        for (SegstreamApp app : apps) {
            app.awaitRunning(Duration.ofMinutes(1));
        }
    }

    @AfterAll
    static void stop() {
        apps.forEach(SegstreamApp::close);
        if (kafka != null) {
            kafka.close();
        }
    }

    static SegstreamConfig config(int instance) {
        Map<String, Object> s = new HashMap<>();
        s.put(SegstreamConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        s.put(SegstreamConfig.APPLICATION_ID_CONFIG, PREFIX + "app");
        s.put(SegstreamConfig.TOPIC_PREFIX_CONFIG, PREFIX);
        s.put(SegstreamConfig.STATE_DIR_CONFIG, state.resolve("state-" + instance).toString());
        s.put(SegstreamConfig.REPLICATION_FACTOR_CONFIG, "1");
        s.put(SegstreamConfig.INPUT_PARTITIONS_CONFIG, "4");
        s.put(SegstreamConfig.REST_PORT_CONFIG, "0");
        s.put(SegstreamConfig.SEGMENTS_K_CONFIG, "4");
        s.put(SegstreamConfig.LEARNING_ENABLED_CONFIG, "false");
        s.put(SegstreamConfig.AGING_INTERVAL_MS_CONFIG, "0");
        s.put(SegstreamConfig.REST_ADMIN_TOKEN_CONFIG, ADMIN.substring("Bearer ".length()));
        s.put(SegstreamConfig.REST_READ_TOKEN_CONFIG, READ.substring("Bearer ".length()));
        s.put("kafka.commit.interval.ms", "200");
        s.put("kafka.num.stream.threads", "1");
        s.put("kafka.consumer.session.timeout.ms", "10000");
        s.put("kafka.producer.max.in.flight.requests.per.connection", "1");
        return new SegstreamConfig(s);
    }

    @Test
    void shouldForwardUserLookupsWithTheCallersTokenAndFlagTheActiveCopy() throws Exception {
        Set<String> servedBy = new HashSet<>();
        for (String user : users.subList(0, 20)) {
            HttpResponse<String> r =
                    send(apps.get(0), "GET", "/users/" + user + "/segment?from=active", READ);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(r.headers().firstValue(RestServer.SERVED_BY_HEADER)).hasValue("active");
            assertThat(r.headers().firstValue(RestServer.OFFSET_LAG_HEADER)).hasValue("0");
            servedBy.add(JSON.readTree(r.body()).get("servedBy").asText());
        }
        // the other instance needs the read token too: forwarded requests carried it
        assertThat(servedBy).hasSize(2);
        // each answer timed by who served it: forwarded to the owner, or the asked one's own copy
        String metrics = send(apps.get(0), "GET", "/metrics", READ).body();
        for (String by : List.of("forwarded", "local")) {
            assertThat(metrics)
                    .containsPattern(
                            "segstream_lookup_seconds_count\\{[^}]*endpoint=\"user\"[^}]*served_by=\""
                                    + by
                                    + "\"[^}]*} [1-9]");
        }
        assertThat(
                        send(apps.get(0), "GET", "/users/" + users.get(0) + "/segment", null)
                                .statusCode())
                .isEqualTo(401);
        HttpResponse<String> unknown =
                send(apps.get(1), "GET", "/users/no-such-user/segment", READ);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.headers().firstValue(RestServer.SERVED_BY_HEADER)).isPresent();
    }

    @Test
    void shouldLookUpABatchAcrossBothInstancesInOneCall() throws Exception {
        List<String> ids = new ArrayList<>(users.subList(1, CUSTOMERS));
        ids.add("no-such-user");
        ids.add(users.get(1));
        HttpResponse<String> r =
                send(
                        apps.get(1),
                        "POST",
                        "/segments/lookup?from=active",
                        READ,
                        JSON.writeValueAsString(Map.of("userIds", ids)));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode results = JSON.readTree(r.body()).get("results");
        assertThat(results).hasSize(ids.size());
        Set<String> servedBy = new HashSet<>();
        for (int i = 0; i < ids.size(); i++) {
            JsonNode entry = results.get(i);
            assertThat(entry.get("userId").asText()).isEqualTo(ids.get(i));
            if (ids.get(i).equals("no-such-user")) {
                assertThat(entry.get("status").asText()).isEqualTo("NOT_FOUND");
                continue;
            }
            assertThat(entry.get("status").asText()).as(entry.toString()).isEqualTo("FOUND");
            assertThat(entry.get("servedAs").asText()).isEqualTo("active");
            assertThat(entry.get("segmentId").asInt()).isBetween(0, 3);
            servedBy.add(entry.get("servedBy").asText());
        }
        assertThat(servedBy).hasSize(2);
        // each user's batch answer is the one a single lookup gives
        String one = users.get(5);
        int single =
                JSON.readTree(send(apps.get(0), "GET", "/users/" + one + "/segment", READ).body())
                        .get("segmentId")
                        .asInt();
        assertThat(results.get(ids.indexOf(one)).get("segmentId").asInt()).isEqualTo(single);
        // without from=active, the second instance's copies (active or fresh standby) answer all,
        // once its standby copies are open
        String second = "127.0.0.1:" + apps.get(1).restPort();
        Set<String> nearestServedBy = Set.of();
        Set<String> nearestServedAs = new HashSet<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!nearestServedBy.equals(Set.of(second)) && System.nanoTime() < deadline) {
            JsonNode nearest =
                    JSON.readTree(
                                    send(
                                                    apps.get(1),
                                                    "POST",
                                                    "/segments/lookup",
                                                    READ,
                                                    JSON.writeValueAsString(Map.of("userIds", ids)))
                                            .body())
                            .get("results");
            nearestServedBy = new HashSet<>();
            nearestServedAs.clear();
            for (int i = 0; i < ids.size(); i++) {
                JsonNode entry = nearest.get(i);
                if (entry.get("status").asText().equals("FOUND")) {
                    assertThat(entry.get("segmentId")).isEqualTo(results.get(i).get("segmentId"));
                    nearestServedBy.add(entry.get("servedBy").asText());
                    nearestServedAs.add(entry.get("servedAs").asText());
                }
            }
            Thread.sleep(200);
        }
        assertThat(nearestServedBy).containsExactly(second);
        assertThat(nearestServedAs).containsExactlyInAnyOrder("active", "standby");
        assertThat(
                        send(apps.get(1), "POST", "/segments/lookup", null, "{\"userIds\":[]}")
                                .statusCode())
                .isEqualTo(401);
    }

    @Test
    void shouldServeAStandbyCopyWhenTheRequestMayNotBeForwarded() throws Exception {
        SegstreamApp first = apps.get(0);
        HostInfo firstHost = new HostInfo("127.0.0.1", first.restPort());
        String remoteUser = null;
        for (String user : users.subList(0, 50)) {
            KeyQueryMetadata meta =
                    first.streams()
                            .queryMetadataForKey(
                                    SegstreamTopology.PROFILES_STORE,
                                    user,
                                    Serdes.String().serializer());
            if (!meta.activeHost().equals(firstHost) && meta.standbyHosts().contains(firstHost)) {
                remoteUser = user;
                break;
            }
        }
        assertThat(remoteUser)
                .as("a user owned by the second instance, standby on the first")
                .isNotNull();
        String path = "/users/" + remoteUser + "/segment";
        HttpResponse<String> viaOwner = send(first, "GET", path + "?from=active", READ);
        assertThat(viaOwner.headers().firstValue(RestServer.SERVED_BY_HEADER)).hasValue("active");
        HttpResponse<String> standby = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            standby =
                    send(
                            first,
                            "GET",
                            path,
                            READ,
                            null,
                            Map.of(RestServer.FORWARDED_HEADER, "test"));
            if (standby.statusCode() == 200) {
                break;
            }
            Thread.sleep(500);
        }
        assertThat(standby.statusCode()).as(standby.body()).isEqualTo(200);
        assertThat(standby.headers().firstValue(RestServer.SERVED_BY_HEADER)).hasValue("standby");
        assertThat(
                        Long.parseLong(
                                standby.headers()
                                        .firstValue(RestServer.OFFSET_LAG_HEADER)
                                        .orElseThrow()))
                .isGreaterThanOrEqualTo(0);
        assertThat(JSON.readTree(standby.body()).get("segmentId"))
                .isEqualTo(JSON.readTree(viaOwner.body()).get("segmentId"));
        assertThat(JSON.readTree(standby.body()).get("servedBy").asText())
                .isEqualTo("127.0.0.1:" + first.restPort());
        // a plain read is answered by the fresh standby copy here, with no hop to the owner
        HttpResponse<String> plain = send(first, "GET", path, READ);
        assertThat(plain.statusCode()).as(plain.body()).isEqualTo(200);
        assertThat(plain.headers().firstValue(RestServer.SERVED_BY_HEADER)).hasValue("standby");
        assertThat(Long.parseLong(plain.headers().firstValue(RestServer.OFFSET_LAG_HEADER).get()))
                .isBetween(0L, 1000L);
        assertThat(JSON.readTree(plain.body()).get("servedBy").asText())
                .isEqualTo("127.0.0.1:" + first.restPort());
        assertThat(send(first, "GET", path + "?from=nearest", READ).statusCode()).isEqualTo(400);
    }

    @Test
    void shouldForgetAUserAfterDeleteAndEmitADeletedChange() throws Exception {
        String user = users.get(CUSTOMERS - 1);
        String path = "/users/" + user;
        assertThat(send(apps.get(0), "GET", path + "/segment", READ).statusCode()).isEqualTo(200);
        assertThat(send(apps.get(0), "DELETE", path, null).statusCode()).isEqualTo(401);
        assertThat(send(apps.get(0), "DELETE", path, READ).statusCode()).isEqualTo(401);
        Instant before = Instant.now();
        HttpResponse<String> accepted = send(apps.get(0), "DELETE", path + "?reason=gdpr", ADMIN);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        JsonNode body = JSON.readTree(accepted.body());
        assertThat(body.get("userId").asText()).isEqualTo(user);
        Instant requested = Instant.parse(body.get("requestTime").asText());
        assertThat(requested).isBetween(before.minusSeconds(1), Instant.now());

        int status = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            status = send(apps.get(1), "GET", path + "/segment", READ).statusCode();
            if (status == 404) {
                break;
            }
            Thread.sleep(200);
        }
        assertThat(status).isEqualTo(404);

        AvroCodec<SegmentChange> changes = AvroCodec.of(SegmentChange.class);
        var records =
                KafkaIo.readUntil(
                        kafka.clientProperties(),
                        config(0).topics().segmentChanges(),
                        rs ->
                                rs.stream()
                                        .anyMatch(
                                                r ->
                                                        r.key().equals(user)
                                                                && changes.decode(r.value())
                                                                                .getChangeType()
                                                                        == SegmentChangeType
                                                                                .DELETED),
                        Duration.ofSeconds(30));
        SegmentChange deleted =
                records.stream()
                        .filter(r -> r.key().equals(user))
                        .map(r -> changes.decode(r.value()))
                        .filter(c -> c.getChangeType() == SegmentChangeType.DELETED)
                        .findFirst()
                        .orElseThrow();
        assertThat(deleted.getPreviousSegment()).isNotNull();
        assertThat(deleted.getEventTime()).isEqualTo(requested);
    }

    @Test
    void shouldRefuseBadUserIdsOnTheRunningInstancesWithoutAnError() throws Exception {
        String[] bad = {"a".repeat(1025), "a%2Fb", "a..b", "%2E%2E", "a%01b", "a%C3%28", "%FF"};
        for (SegstreamApp app : apps) {
            for (String id : bad) {
                HttpResponse<String> get = send(app, "GET", "/users/" + id + "/segment", READ);
                assertThat(get.statusCode()).as(id + ": " + get.body()).isEqualTo(400);
                assertThat(get.body()).startsWith("{\"error\":\"the user id ");
                HttpResponse<String> delete = send(app, "DELETE", "/users/" + id, ADMIN);
                assertThat(delete.statusCode()).as(id + ": " + delete.body()).isEqualTo(400);
            }
            assertThat(send(app, "GET", "/users//segment", READ).statusCode()).isEqualTo(404);
            assertThat(send(app, "DELETE", "/users/", ADMIN).statusCode()).isEqualTo(404);
        }
    }

    /**
     * Runs last: the second instance leaves (its REST server first, as on shutdown), and every
     * lookup of its users through the first instance keeps answering 200, from the first instance's
     * standby copy until it takes the partitions over.
     */
    @Test
    @Order(Integer.MAX_VALUE)
    void shouldKeepAnsweringFromTheStandbyWhileTheOwnerLeaves() throws Exception {
        SegstreamApp first = apps.get(0);
        SegstreamApp second = apps.get(1);
        HostInfo secondHost = new HostInfo("127.0.0.1", second.restPort());
        List<String> owned = new ArrayList<>();
        for (String user : users.subList(0, CUSTOMERS - 1)) {
            KeyQueryMetadata meta =
                    first.streams()
                            .queryMetadataForKey(
                                    SegstreamTopology.PROFILES_STORE,
                                    user,
                                    Serdes.String().serializer());
            if (meta.activeHost().equals(secondHost)) {
                owned.add(user);
            }
        }
        assertThat(owned).isNotEmpty();
        Thread leaving = new Thread(second::close);
        leaving.start();
        Map<String, Integer> servedAs = new HashMap<>();
        Map<String, Integer> lookupsAs = new HashMap<>();
        List<String> failures = new ArrayList<>();
        // a closing Kafka Streams client does not leave its group: the first instance takes over
        // after the session timeout, and until then the owner's metadata points to a dead server
        long end = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        int i = 0;
        while (System.nanoTime() < end && (leaving.isAlive() || !servedAs.containsKey("active"))) {
            String user = owned.get(i++ % owned.size());
            if (i % 50 == 0) {
                List<String> batch = owned.subList(0, Math.min(10, owned.size()));
                HttpResponse<String> r =
                        send(
                                first,
                                "POST",
                                "/segments/lookup",
                                READ,
                                JSON.writeValueAsString(Map.of("userIds", batch)));
                for (JsonNode entry : JSON.readTree(r.body()).get("results")) {
                    if (!entry.get("status").asText().equals("FOUND")) {
                        failures.add("lookup " + entry);
                    } else {
                        lookupsAs.merge(entry.get("servedAs").asText(), 1, Integer::sum);
                    }
                }
                continue;
            }
            HttpResponse<String> r = send(first, "GET", "/users/" + user + "/segment", READ);
            if (r.statusCode() != 200) {
                failures.add(user + ": " + r.statusCode() + " " + r.body());
            } else {
                servedAs.merge(
                        r.headers().firstValue(RestServer.SERVED_BY_HEADER).orElse("none"),
                        1,
                        Integer::sum);
            }
        }
        System.out.printf(
                "while the owner left: lookups %s, batch entries %s, failures %s%n",
                servedAs, lookupsAs, failures);
        assertThat(failures).isEmpty();
        assertThat(servedAs).containsKey("standby").containsKey("active");
        assertThat(lookupsAs).containsKey("standby");
    }

    private static HttpResponse<String> send(
            SegstreamApp app, String method, String path, String authorization) throws Exception {
        return send(app, method, path, authorization, null, Map.of());
    }

    private static HttpResponse<String> send(
            SegstreamApp app, String method, String path, String authorization, String body)
            throws Exception {
        return send(app, method, path, authorization, body, Map.of());
    }

    private static HttpResponse<String> send(
            SegstreamApp app,
            String method,
            String path,
            String authorization,
            String body,
            Map<String, String> headers)
            throws Exception {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.restPort() + path))
                        .timeout(Duration.ofSeconds(15))
                        .method(
                                method,
                                body == null
                                        ? HttpRequest.BodyPublishers.noBody()
                                        : HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        headers.forEach(b::header);
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
