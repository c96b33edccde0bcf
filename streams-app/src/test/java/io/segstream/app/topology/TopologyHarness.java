package io.segstream.app.topology;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.segstream.app.config.SegstreamConfig;
import io.segstream.app.config.Topics;
import io.segstream.app.serde.AvroSerde;
import io.segstream.core.encoder.CachingTextEncoder;
import io.segstream.core.encoder.OnnxTextEncoder;
import io.segstream.core.head.ReviewScorer;
import io.segstream.core.profile.UserProfile;
import io.segstream.schemas.CentroidDelta;
import io.segstream.schemas.ClickEvent;
import io.segstream.schemas.ClickEventType;
import io.segstream.schemas.DeletionRequest;
import io.segstream.schemas.EncoderInfo;
import io.segstream.schemas.OrderEvent;
import io.segstream.schemas.OrderLine;
import io.segstream.schemas.OrderStatus;
import io.segstream.schemas.ReviewAlert;
import io.segstream.schemas.ReviewEvent;
import io.segstream.schemas.SegmentAssignment;
import io.segstream.schemas.SegmentChange;
import io.segstream.schemas.SegmentModel;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;

/**
 * A {@link TopologyTestDriver} over {@link SegstreamTopology#buildTopology} with typed input and
 * output topics, small k-means settings and a fixed wall clock, for the topology tests.
 */
final class TopologyHarness implements AutoCloseable {

    /** The wall clock of the future-event check: the end of the 2011 test data. */
    static final Instant WALL_CLOCK = Instant.parse("2011-12-10T00:00:00Z");

    /** Realistic event times: early December 2011, the last weeks of the Online Retail data. */
    static final Instant T0 = Instant.parse("2011-12-01T09:00:00Z");

    static final int MAX_TEXT_CHARS = 200;

    final SegstreamConfig config;
    final Topics topics;
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final TopologyTestDriver driver;
    final TestInputTopic<String, ClickEvent> clicks;
    final TestInputTopic<String, OrderEvent> orders;
    final TestInputTopic<String, ReviewEvent> reviews;
    final TestInputTopic<String, DeletionRequest> deletions;
    final TestInputTopic<String, byte[]> rawClicks;
    final TestInputTopic<String, byte[]> rawOrders;
    final TestInputTopic<String, byte[]> modelIn;
    final TestOutputTopic<String, SegmentAssignment> segments;
    final TestOutputTopic<String, String> segmentsJson;
    final TestOutputTopic<String, SegmentChange> changes;
    final TestOutputTopic<String, CentroidDelta> deltas;
    final TestOutputTopic<String, ReviewAlert> alerts;
    final TestOutputTopic<String, byte[]> modelOut;
    final TestOutputTopic<byte[], byte[]> dlq;

    TopologyHarness(CachingTextEncoder encoder, Path stateDir, Map<String, Object> overrides) {
        this(encoder, ReviewScorer.ratingsOnly(), stateDir, overrides);
    }

    TopologyHarness(
            CachingTextEncoder encoder,
            ReviewScorer reviewScorer,
            Path stateDir,
            Map<String, Object> overrides) {
        Map<String, Object> settings = new HashMap<>();
        settings.put(SegstreamConfig.APPLICATION_ID_CONFIG, "segstream-test");
        settings.put(SegstreamConfig.BOOTSTRAP_SERVERS_CONFIG, "dummy:9092");
        settings.put(SegstreamConfig.STATE_DIR_CONFIG, stateDir.toString());
        settings.put("kafka.state.dir", stateDir.toString());
        settings.put(SegstreamConfig.SEGMENTS_K_CONFIG, 2);
        settings.put(SegstreamConfig.SEED_USERS_CONFIG, 4);
        settings.put(SegstreamConfig.FLUSH_RECORDS_CONFIG, 1);
        // seed at once and update by mini-batches only, unless a test turns these on
        settings.put(SegstreamConfig.SEED_WARMUP_MS_CONFIG, 0L);
        settings.put(SegstreamConfig.REFIT_EVERY_CONFIG, 0L);
        settings.put(SegstreamConfig.MAX_TEXT_CHARS_CONFIG, MAX_TEXT_CHARS);
        // a slice of the sweep bounded by users only: under a wall-clock budget, how far a slice
        // gets depends on the machine's load, and so would the test's output (a busy CI runner
        // cut a slice short in one of two runs meant to be equal)
        settings.put(SegstreamConfig.SWEEP_MAX_MS_CONFIG, 60_000L);
        settings.putAll(overrides);
        config = SegstreamConfig.of(settings);
        topics = config.topics();
        TopologyDeps deps =
                new TopologyDeps(
                        encoder,
                        encoderInfo(encoder),
                        reviewScorer,
                        registry,
                        WALL_CLOCK::toEpochMilli);
        driver =
                new TopologyTestDriver(
                        SegstreamTopology.buildTopology(config, deps),
                        SegstreamTopology.streamsProperties(config, registry),
                        WALL_CLOCK);
        StringSerializer keys = new StringSerializer();
        StringDeserializer keysOut = new StringDeserializer();
        clicks =
                driver.createInputTopic(
                        topics.clicks(), keys, AvroSerde.of(ClickEvent.class).serializer());
        orders =
                driver.createInputTopic(
                        topics.orders(), keys, AvroSerde.of(OrderEvent.class).serializer());
        reviews =
                driver.createInputTopic(
                        topics.reviews(), keys, AvroSerde.of(ReviewEvent.class).serializer());
        deletions =
                driver.createInputTopic(
                        topics.deletions(), keys, AvroSerde.of(DeletionRequest.class).serializer());
        rawClicks = driver.createInputTopic(topics.clicks(), keys, new ByteArraySerializer());
        rawOrders = driver.createInputTopic(topics.orders(), keys, new ByteArraySerializer());
        modelIn = driver.createInputTopic(topics.segmentModel(), keys, new ByteArraySerializer());
        segments =
                driver.createOutputTopic(
                        topics.segments(),
                        keysOut,
                        AvroSerde.of(SegmentAssignment.class).deserializer());
        segmentsJson =
                driver.createOutputTopic(topics.segmentsJson(), keysOut, new StringDeserializer());
        changes =
                driver.createOutputTopic(
                        topics.segmentChanges(),
                        keysOut,
                        AvroSerde.of(SegmentChange.class).deserializer());
        deltas =
                driver.createOutputTopic(
                        topics.centroidDeltas(),
                        keysOut,
                        AvroSerde.of(CentroidDelta.class).deserializer());
        alerts =
                driver.createOutputTopic(
                        topics.reviewAlerts(),
                        keysOut,
                        AvroSerde.of(ReviewAlert.class).deserializer());
        modelOut =
                driver.createOutputTopic(
                        topics.segmentModel(), keysOut, new ByteArrayDeserializer());
        dlq =
                driver.createOutputTopic(
                        topics.dlq(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    static EncoderInfo encoderInfo(CachingTextEncoder encoder) {
        return EncoderInfo.newBuilder()
                .setModelId(encoder.modelId())
                .setSha256(((OnnxTextEncoder) encoder.delegate()).modelSha256())
                .setDimension(encoder.dimension())
                .build();
    }

    /** Publishes a model on the segment-model topic, as the trainer does. */
    void publish(SegmentModel model) {
        modelIn.pipeInput(
                ModelStoreUpdater.versionKey(model.getVersion()), ModelCache.encode(model));
    }

    /**
     * The coordinator's loop: reads the models it published since the last call and makes sure the
     * global store has them, as a real broker delivers segment-model to the global store. (The 4.4
     * TopologyTestDriver already pipes records written to a global store's topic into the store; a
     * model it did not deliver is piped here.) Returns the models read.
     */
    List<SegmentModel> feedBackModels() {
        KeyValueStore<String, byte[]> store = modelStore();
        List<SegmentModel> models = new ArrayList<>();
        for (KeyValue<String, byte[]> kv : modelOut.readKeyValuesToList()) {
            models.add(ModelCache.decode(kv.value));
            if (store.get(kv.key) == null) {
                modelIn.pipeInput(kv.key, kv.value);
            }
        }
        return models;
    }

    /** Models the coordinator published since the last read, without feeding them back. */
    List<SegmentModel> readModels() {
        return modelOut.readValuesToList().stream().map(ModelCache::decode).toList();
    }

    KeyValueStore<String, byte[]> modelStore() {
        return driver.getKeyValueStore(SegstreamTopology.MODEL_STORE);
    }

    KeyValueStore<String, UserProfile> profiles() {
        return driver.getKeyValueStore(SegstreamTopology.PROFILES_STORE);
    }

    /** The model the global store holds as current, or null. */
    SegmentModel currentModel() {
        KeyValueStore<String, byte[]> store =
                driver.getKeyValueStore(SegstreamTopology.MODEL_STORE);
        byte[] bytes = store.get(ModelCache.CURRENT);
        return bytes == null ? null : ModelCache.decode(bytes);
    }

    List<TestRecord<byte[], byte[]>> dlqRecords() {
        return dlq.readRecordsToList();
    }

    @Override
    public void close() {
        driver.close();
    }

    // ---- events ----

    static ReviewEvent review(
            String user, Instant time, String title, String text, Integer rating) {
        return ReviewEvent.newBuilder()
                .setReviewId(user + "-" + time.toEpochMilli())
                .setUserId(user)
                .setProductId("p1")
                .setEventTime(time)
                .setRating(rating)
                .setTitle(title)
                .setText(text)
                .build();
    }

    static ClickEvent view(String user, Instant time, String title, String category, double price) {
        return click(ClickEventType.VIEW, user, time, title, category, price).build();
    }

    static ClickEvent.Builder click(
            ClickEventType type,
            String user,
            Instant time,
            String title,
            String category,
            Double price) {
        return ClickEvent.newBuilder()
                .setEventType(type)
                .setUserId(user)
                .setSessionId(null)
                .setEventTime(time)
                .setProductId(title == null ? null : "p-" + Math.abs(title.hashCode()))
                .setTitle(title)
                .setCategory(category)
                .setPrice(price)
                .setQueryText(null);
    }

    static OrderEvent order(String user, Instant time, OrderLine... lines) {
        return OrderEvent.newBuilder()
                .setOrderId("o-" + user + "-" + time.toEpochMilli())
                .setUserId(user)
                .setEventTime(time)
                .setStatus(OrderStatus.PLACED)
                .setCountry("GB")
                .setLines(List.of(lines))
                .build();
    }

    static OrderLine line(String title, int quantity, double unitPrice) {
        return OrderLine.newBuilder()
                .setProductId("p-" + Math.abs(title.hashCode()))
                .setTitle(title)
                .setCategory("Home/Kitchen")
                .setQuantity(quantity)
                .setUnitPrice(unitPrice)
                .build();
    }

    static DeletionRequest deletion(String user, Instant time) {
        return DeletionRequest.newBuilder()
                .setRequestId("r-" + user)
                .setUserId(user)
                .setRequestTime(time)
                .setReason("GDPR art. 17")
                .build();
    }
}
