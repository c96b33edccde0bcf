package io.segstream.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.segstream.app.config.SegstreamConfig;
import io.segstream.app.config.Topics;
import io.segstream.app.embedded.EmbeddedKafkaCluster;
import io.segstream.app.runtime.ConsumerProgress;
import io.segstream.app.runtime.SegstreamApp;
import io.segstream.app.runtime.TopicAdmin;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole app on a real (embedded) broker, on the orders of 1,000 real customers of the Online
 * Retail data: segments are seeded and learnt online, changes emitted, users served over REST, and
 * one instance and two instances give the same assignments.
 */
class SegstreamIntegrationTest {

    static final int CUSTOMERS = 1000;
    static final Duration WAIT = Duration.ofMinutes(4);

    static EmbeddedKafkaCluster kafka;
    static RetailFixture retail;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir static Path state;

    @BeforeAll
    static void start() throws Exception {
        retail = RetailFixture.firstCustomers(CUSTOMERS);
        kafka = EmbeddedKafkaCluster.start();
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    private static Map<String, Object> settings(String prefix, String stateName) {
        Map<String, Object> s = new HashMap<>();
        s.put(SegstreamConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        s.put(SegstreamConfig.APPLICATION_ID_CONFIG, prefix + "app");
        s.put(SegstreamConfig.TOPIC_PREFIX_CONFIG, prefix);
        s.put(SegstreamConfig.STATE_DIR_CONFIG, state.resolve(stateName).toString());
        s.put(SegstreamConfig.REPLICATION_FACTOR_CONFIG, "1");
        s.put(SegstreamConfig.INPUT_PARTITIONS_CONFIG, "4");
        s.put(SegstreamConfig.REST_PORT_CONFIG, "0");
        s.put(SegstreamConfig.SEGMENTS_K_CONFIG, "4");
        s.put("kafka.commit.interval.ms", "200");
        s.put("kafka.num.stream.threads", "2");
        // one request in flight per partition: a freshly created repartition topic cannot then see
        // a later batch overtake an earlier one that the broker refused (KAFKA-15591)
        s.put("kafka.producer.max.in.flight.requests.per.connection", "1");
        return s;
    }

    @Test
    void shouldSegmentRealCustomersLearnOnlineAndServeThemOverRest() throws Exception {
        Map<String, Object> s = settings("it-online.", "online");
        s.put(SegstreamConfig.SEED_USERS_CONFIG, "200");
        s.put(SegstreamConfig.FLUSH_RECORDS_CONFIG, "200");
        SegstreamConfig config = new SegstreamConfig(s);
        Topics topics = config.topics();
        try (SegstreamApp app = SegstreamApp.start(config)) {
            app.awaitRunning(Duration.ofMinutes(1));
            long start = System.nanoTime();
            // the first half seeds the model; the second half arrives while it learns online
            int half = retail.orders.size() / 2;
            KafkaIo.produceOrders(
                    kafka.clientProperties(), topics.orders(), retail.orders.subList(0, half));
            KafkaIo.produceRaw(
                    kafka.clientProperties(), topics.orders(), "bad", new byte[] {1, 2, 3});
            KafkaIo.readUntil(
                    kafka.clientProperties(), topics.segmentModel(), rs -> !rs.isEmpty(), WAIT);
            KafkaIo.produceOrders(
                    kafka.clientProperties(),
                    topics.orders(),
                    retail.orders.subList(half, retail.orders.size()));

            awaitCaughtUp(config);
            double seconds = (System.nanoTime() - start) / 1e9;
            var segments =
                    KafkaIo.readUntil(
                            kafka.clientProperties(),
                            topics.segments(),
                            rs -> false,
                            Duration.ofSeconds(5));
            Map<String, Integer> latest = KafkaIo.latestSegments(segments);
            System.out.printf(
                    "online run: %d orders of %d customers assigned in %.1f s (%.0f events/s)%n",
                    retail.orders.size(), latest.size(), seconds, retail.orders.size() / seconds);
            assertThat(latest.keySet()).containsExactlyInAnyOrderElementsOf(retail.customers);
            assertThat(latest.values()).allMatch(seg -> seg >= 0 && seg < 4);

            AvroCodec<SegmentChange> changes = AvroCodec.of(SegmentChange.class);
            var changeRecords =
                    KafkaIo.readUntil(
                            kafka.clientProperties(),
                            topics.segmentChanges(),
                            rs -> false,
                            Duration.ofSeconds(5));
            List<SegmentChange> decoded =
                    changeRecords.stream().map(r -> changes.decode(r.value())).toList();
            assertThat(
                            decoded.stream()
                                    .filter(
                                            c ->
                                                    c.getChangeType()
                                                            == SegmentChangeType.FIRST_ASSIGNMENT)
                                    .map(SegmentChange::getUserId)
                                    .distinct()
                                    .count())
                    .isEqualTo(CUSTOMERS);

            AvroCodec<SegmentModel> models = AvroCodec.of(SegmentModel.class);
            var modelRecords =
                    KafkaIo.readUntil(
                            kafka.clientProperties(),
                            topics.segmentModel(),
                            rs -> rs.size() >= 2,
                            Duration.ofSeconds(30));
            List<SegmentModel> versions =
                    modelRecords.stream().map(r -> models.decode(r.value())).toList();
            assertThat(versions).extracting(SegmentModel::getVersion).contains(1L, 2L);
            System.out.printf(
                    "online run: %d model versions published, %d segment changes%n",
                    versions.size(), decoded.size());

            var dlq =
                    KafkaIo.readUntil(
                            kafka.clientProperties(),
                            topics.dlq(),
                            rs -> !rs.isEmpty(),
                            Duration.ofSeconds(30));
            assertThat(dlq).hasSize(1);
            assertThat(new String(dlq.get(0).headers().lastHeader("segstream.reason").value()))
                    .isEqualTo("UNDECODABLE");

            String base = "http://127.0.0.1:" + app.restPort();
            List<String> someUsers = new ArrayList<>(retail.customers).subList(0, 5);
            for (String user : someUsers) {
                HttpResponse<String> r = get(base + "/users/" + user + "/segment");
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.body()).contains("\"segmentId\":" + latest.get(user));
            }
            assertThat(get(base + "/users/no-such-user/segment").statusCode()).isEqualTo(404);
            HttpResponse<String> why = get(base + "/users/" + someUsers.get(0) + "/explanation");
            assertThat(why.statusCode()).as(why.body()).isEqualTo(200);
            assertThat(why.body())
                    .contains("\"runnerUp\"")
                    .contains("\"reasons\":[{\"feature\"")
                    .contains("\"advantage\"");
            assertThat(get(base + "/segments").body())
                    .contains("\"segments\"")
                    .contains("\"size\"");
            assertThat(get(base + "/model").body())
                    .contains("\"encoder\"")
                    .contains("all-minilm-l6-v2-q");
            assertThat(get(base + "/health").statusCode()).isEqualTo(200);
            String metrics = get(base + "/metrics").body();
            assertThat(metrics)
                    .contains("segstream_events_total")
                    .contains("segstream_dlq_records_total{reason=\"UNDECODABLE\"}")
                    .contains("segstream_segment_changes_total")
                    .contains("segstream_encoder_model_calls_seconds_count")
                    .contains("cache_gets_total{cache=\"encoder\"")
                    .contains("segstream_coordinator_updates_total")
                    .contains("segstream_model_version")
                    .contains("kafka_stream_");
        }
    }

    @Test
    void shouldAssignTheSameWithOneInstanceAndWithTwo() throws Exception {
        SegmentModel model;
        try (CachingTextEncoder encoder = CachingTextEncoder.open(EncoderConfig.defaults())) {
            OnnxTextEncoder onnx = (OnnxTextEncoder) encoder.delegate();
            EncoderInfo info =
                    new EncoderInfo(onnx.modelId(), onnx.modelSha256(), onnx.dimension());
            model =
                    retail.offlineModel(
                            encoder,
                            info,
                            new SegstreamConfig(settings("x.", "x")).profileSettings(),
                            4,
                            0.5);
        }
        Map<String, Integer> one = runPinned("it-one.", model, 1);
        Map<String, Integer> two = runPinned("it-two.", model, 2);
        assertThat(one).hasSize(CUSTOMERS);
        List<String> differing =
                one.keySet().stream().filter(u -> !one.get(u).equals(two.get(u))).sorted().toList();
        System.out.printf(
                "one vs two instances: %d of %d users differ %s%n",
                differing.size(),
                one.size(),
                differing.stream()
                        .limit(10)
                        .map(u -> u + ":" + one.get(u) + "/" + two.get(u))
                        .toList());
        assertThat(two).isEqualTo(one);
        assertThat(new java.util.HashSet<>(one.values())).hasSizeGreaterThan(1);
    }

    /**
     * Runs {@code instances} app instances with learning frozen on a pinned model and no aging
     * passes (they run on the wall clock, so whom they reach before their next event depends on
     * timing); returns the final segments.
     */
    private Map<String, Integer> runPinned(String prefix, SegmentModel model, int instances)
            throws Exception {
        List<SegstreamApp> apps = new ArrayList<>();
        try {
            SegstreamConfig first = null;
            for (int i = 0; i < instances; i++) {
                Map<String, Object> s = settings(prefix, prefix + "state-" + i);
                s.put(SegstreamConfig.LEARNING_ENABLED_CONFIG, "false");
                s.put(SegstreamConfig.AGING_INTERVAL_MS_CONFIG, "0");
                s.put("kafka.num.stream.threads", "1");
                SegstreamConfig config = new SegstreamConfig(s);
                if (first == null) {
                    first = config;
                    TopicAdmin.ensureTopics(config);
                    KafkaIo.produceRaw(
                            kafka.clientProperties(),
                            config.topics().segmentModel(),
                            "v1",
                            AvroCodec.of(SegmentModel.class).encode(model));
                }
                apps.add(SegstreamApp.start(config));
            }
            for (SegstreamApp app : apps) {
                app.awaitRunning(Duration.ofMinutes(1));
            }
            Topics topics = first.topics();
            KafkaIo.produceOrders(kafka.clientProperties(), topics.orders(), retail.orders);
            awaitCaughtUp(first);
            var segments =
                    KafkaIo.readUntil(
                            kafka.clientProperties(),
                            topics.segments(),
                            rs -> false,
                            Duration.ofSeconds(5));
            if (instances == 2) {
                assertForwarding(apps);
            }
            assertMembersCountedOnEveryInstance(apps.get(0), instances);
            // learning is off, so nothing reaches the coordinator; its gauge must still show the
            // pinned model, not 0
            assertThat(
                            apps.stream()
                                    .map(a -> a.registry().find("segstream.model.version").gauge())
                                    .filter(java.util.Objects::nonNull)
                                    .mapToDouble(g -> g.value())
                                    .max())
                    .hasValue(model.getVersion());
            return KafkaIo.latestSegments(segments);
        } finally {
            apps.forEach(SegstreamApp::close);
        }
    }

    /**
     * {@code GET /segments} on one instance sums every instance's members: each customer counted
     * once, and each segment with its volatility.
     */
    private static void assertMembersCountedOnEveryInstance(SegstreamApp app, int instances)
            throws Exception {
        HttpResponse<String> r = get("http://127.0.0.1:" + app.restPort() + "/segments");
        var body = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body());
        assertThat(body.path("membershipFrom").path("answered").asInt())
                .as(r.body())
                .isEqualTo(instances);
        long members = 0;
        for (var segment : body.path("segments")) {
            members += segment.path("members").asLong();
            assertThat(segment.has("volatility24h")).as(r.body()).isTrue();
        }
        assertThat(members).as(r.body()).isEqualTo(CUSTOMERS);
    }

    /** Waits until the app has processed and committed every input and repartitioned event. */
    private static void awaitCaughtUp(SegstreamConfig config) throws Exception {
        String appId = config.getString(SegstreamConfig.APPLICATION_ID_CONFIG);
        try (ConsumerProgress progress = new ConsumerProgress(kafka.clientProperties())) {
            progress.await(
                    appId,
                    List.of(config.topics().orders()),
                    ConsumerProgress.repartitionTopics(config),
                    WAIT);
        }
    }

    /**
     * Every user is answered by either instance: asked for the owner's copy, the one that does not
     * own the key forwards.
     */
    private void assertForwarding(List<SegstreamApp> apps) throws Exception {
        java.util.Set<String> servedBy = new java.util.HashSet<>();
        for (String user : new ArrayList<>(retail.customers).subList(0, 20)) {
            HttpResponse<String> r =
                    get(
                            "http://127.0.0.1:"
                                    + apps.get(0).restPort()
                                    + "/users/"
                                    + user
                                    + "/segment?from=active");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            servedBy.add(r.body().replaceAll(".*\"servedBy\":\"([^\"]+)\".*", "$1"));
        }
        assertThat(servedBy).hasSize(2);
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
