package io.segstream.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.segstream.app.config.SegstreamConfig;
import io.segstream.app.embedded.EmbeddedKafkaCluster;
import io.segstream.app.runtime.SegstreamApp;
import io.segstream.app.topology.SegstreamTopology;
import io.segstream.core.profile.UserProfile;
import io.segstream.schemas.AvroCodec;
import io.segstream.schemas.ClickEvent;
import io.segstream.schemas.ClickEventType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults on a real (embedded) broker, under the default exactly_once_v2: a stream thread that dies
 * shows at once on /health, /health/ready and the metrics, and an output too large for the producer
 * is dead-lettered, truncated, while the app keeps running.
 */
class EngineFaultIntegrationTest {

    private static final AvroCodec<ClickEvent> CLICKS = AvroCodec.of(ClickEvent.class);
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Instant T0 = Instant.parse("2011-03-01T10:00:00Z");

    static EmbeddedKafkaCluster kafka;

    @TempDir static Path state;

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafkaCluster.start();
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    private static Map<String, Object> settings(String prefix) {
        Map<String, Object> s = new HashMap<>();
        s.put(SegstreamConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        s.put(SegstreamConfig.APPLICATION_ID_CONFIG, prefix + "app");
        s.put(SegstreamConfig.TOPIC_PREFIX_CONFIG, prefix);
        s.put(SegstreamConfig.STATE_DIR_CONFIG, state.resolve(prefix).toString());
        s.put(SegstreamConfig.REPLICATION_FACTOR_CONFIG, "1");
        s.put(SegstreamConfig.INPUT_PARTITIONS_CONFIG, "2");
        s.put(SegstreamConfig.REST_PORT_CONFIG, "0");
        s.put("kafka.commit.interval.ms", "100");
        s.put("kafka.producer.max.in.flight.requests.per.connection", "1");
        return s;
    }

    @Test
    void shouldTurnHealthDownWithTheCauseWithinSecondsOfAFatalError() throws Exception {
        Map<String, Object> s = settings("fault-fatal.");
        s.put(SegstreamConfig.FAULT_FATAL_USER_CONFIG, "u-fatal");
        SegstreamConfig config = new SegstreamConfig(s);
        try (SegstreamApp app = SegstreamApp.start(config)) {
            app.awaitRunning(Duration.ofMinutes(1));
            String base = "http://127.0.0.1:" + app.restPort();
            HttpResponse<String> alive = get(base + "/health");
            assertThat(alive.statusCode()).as(alive.body()).isEqualTo(200);
            assertThat(alive.body()).contains("\"status\":\"UP\"");
            assertThat(get(base + "/health/ready").statusCode()).isEqualTo(200);
            assertThat(get(base + "/metrics").body())
                    .contains("segstream_streams_state{state=\"RUNNING\"} 1.0")
                    .contains("segstream_streams_state{state=\"ERROR\"} 0.0")
                    .contains("segstream_engine_dead 0.0");
            assertThat(app.deathReason()).isEmpty();

            KafkaIo.produceRaw(
                    kafka.clientProperties(),
                    config.topics().clicks(),
                    "u-fatal",
                    CLICKS.encode(view("u-fatal", T0, "Red retrospot mug")));
            long sent = System.nanoTime();

            await(() -> get(base + "/health").statusCode() == 503, Duration.ofSeconds(30));
            double seconds = (System.nanoTime() - sent) / 1e9;
            System.out.printf("fatal event to /health 503: %.1f s%n", seconds);
            assertThat(seconds).isLessThan(15.0);
            HttpResponse<String> down = get(base + "/health");
            assertThat(down.body())
                    .contains("\"status\":\"DOWN\"")
                    .contains("stream thread failed: InjectedFatalException")
                    .contains("u-fatal");
            assertThat(app.deathReason())
                    .get()
                    .asString()
                    .startsWith("stream thread failed: InjectedFatalException");
            HttpResponse<String> ready = get(base + "/health/ready");
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).contains("\"status\":\"NOT_READY\"");

            await(() -> app.streams().state() == KafkaStreams.State.ERROR, Duration.ofSeconds(30));
            assertThat(get(base + "/metrics").body())
                    .contains("segstream_streams_state{state=\"ERROR\"} 1.0")
                    .contains("segstream_streams_state{state=\"RUNNING\"} 0.0")
                    .contains("segstream_engine_dead 1.0");
        }
    }

    @Test
    void shouldDeadLetterAnOversizedOutputTruncatedAndKeepRunningUnderExactlyOnce()
            throws Exception {
        Map<String, Object> s = settings("fault-large.");
        // a title far over one producer request once re-keyed, but a valid event
        s.put(SegstreamConfig.MAX_TEXT_CHARS_CONFIG, "200000");
        s.put("kafka.producer.max.request.size", "65536");
        s.put(SegstreamConfig.DLQ_MAX_PAYLOAD_CONFIG, "4096");
        SegstreamConfig config = new SegstreamConfig(s);
        assertThat(config.getString(SegstreamConfig.PROCESSING_GUARANTEE_CONFIG))
                .isEqualTo("exactly_once_v2");
        try (SegstreamApp app = SegstreamApp.start(config)) {
            app.awaitRunning(Duration.ofMinutes(1));
            String clicks = config.topics().clicks();
            KafkaIo.produceRaw(
                    kafka.clientProperties(),
                    clicks,
                    "before",
                    CLICKS.encode(view("before", T0, "Red retrospot mug")));
            byte[] huge = CLICKS.encode(view("u-huge", T0.plusSeconds(1), "x".repeat(100_000)));
            KafkaIo.produceRaw(kafka.clientProperties(), clicks, "u-huge", huge);
            List<String> after = List.of("after-1", "after-2", "after-3");
            for (int i = 0; i < after.size(); i++) {
                KafkaIo.produceRaw(
                        kafka.clientProperties(),
                        clicks,
                        after.get(i),
                        CLICKS.encode(
                                view(after.get(i), T0.plusSeconds(2 + i), "Blue polkadot bowl")));
            }

            List<ConsumerRecord<String, byte[]>> dead =
                    KafkaIo.readUntil(
                            kafka.clientProperties(),
                            config.topics().dlq(),
                            rs -> !rs.isEmpty(),
                            Duration.ofSeconds(60));
            assertThat(dead).hasSize(1);
            ConsumerRecord<String, byte[]> letter = dead.get(0);
            assertThat(header(letter, "segstream.reason")).isEqualTo("OUTPUT_TOO_LARGE");
            assertThat(header(letter, "segstream.target.topic"))
                    .endsWith(SegstreamTopology.EVENTS_BY_USER + "-repartition");
            assertThat(header(letter, "segstream.source.topic")).isEqualTo(clicks);
            assertThat(header(letter, "segstream.error")).contains("max.request.size");
            int originalSize = Integer.parseInt(header(letter, "segstream.original.size"));
            assertThat(originalSize).isGreaterThan(65536);
            assertThat(letter.value()).hasSize(4096);

            await(() -> profiles(app).keySet().containsAll(after), Duration.ofSeconds(60));
            Map<String, UserProfile> profiles = profiles(app);
            assertThat(profiles).containsKey("before").doesNotContainKey("u-huge");
            assertThat(profiles.get("after-3").views()).isEqualTo(1.0f);
            assertThat(app.streams().state()).isEqualTo(KafkaStreams.State.RUNNING);
            assertThat(app.deathReason()).isEmpty();
            assertThat(get("http://127.0.0.1:" + app.restPort() + "/metrics").body())
                    .contains("segstream_dlq_records_total{reason=\"OUTPUT_TOO_LARGE\"} 1.0");
        }
    }

    private static ClickEvent view(String user, Instant time, String title) {
        return ClickEvent.newBuilder()
                .setEventType(ClickEventType.VIEW)
                .setUserId(user)
                .setSessionId(null)
                .setEventTime(time)
                .setProductId("p-" + Math.abs(title.hashCode()))
                .setTitle(title)
                .setCategory("Home/Kitchen")
                .setPrice(2.5)
                .setQueryText(null)
                .build();
    }

    private static Map<String, UserProfile> profiles(SegstreamApp app) {
        var store = app.profileStore();
        Map<String, UserProfile> out = new HashMap<>();
        try (var all = store.all()) {
            all.forEachRemaining(kv -> out.put(kv.key, kv.value));
        }
        return out;
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header h = record.headers().lastHeader(name);
        assertThat(h).as("header %s", name).isNotNull();
        return new String(h.value(), StandardCharsets.UTF_8);
    }

    private interface Check {
        boolean holds() throws Exception;
    }

    private static void await(Check check, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!holds(check)) {
            assertThat(System.nanoTime()).as("waited %s", timeout).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    /** A store that is not queryable yet (the task is still restoring) does not hold yet. */
    private static boolean holds(Check check) throws Exception {
        try {
            return check.holds();
        } catch (InvalidStateStoreException e) {
            return false;
        }
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
