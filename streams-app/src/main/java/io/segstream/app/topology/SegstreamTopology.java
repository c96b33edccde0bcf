package io.segstream.app.topology;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.segstream.app.config.SegstreamConfig;
import io.segstream.app.config.Topics;
import io.segstream.app.errors.DlqDeserializationHandler;
import io.segstream.app.errors.DlqProcessingHandler;
import io.segstream.app.errors.DlqProductionHandler;
import io.segstream.app.serde.AvroSerde;
import io.segstream.app.serde.ProfileSerde;
import io.segstream.app.serde.RecordFormat;
import io.segstream.app.serde.SizeBoundSerde;
import io.segstream.app.serde.UserEventSerde;
import io.segstream.schemas.CentroidDelta;
import io.segstream.schemas.ClickEvent;
import io.segstream.schemas.DeletionRequest;
import io.segstream.schemas.OrderEvent;
import io.segstream.schemas.ReviewAlert;
import io.segstream.schemas.ReviewEvent;
import io.segstream.schemas.SegmentAssignment;
import io.segstream.schemas.SegmentChange;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * The segstream topology, built in one place. Every source, processor, store and sink has a name
 * from the constants below, so that the topology description, metrics and interactive queries are
 * stable across versions.
 *
 * <pre>
 * clicks, orders, reviews, deletions -> validate + re-key by user -> events-by-user (repartition)
 *   -> profile-processor [user-profiles, rescore-sweep-state]
 *   -> segments, segments-json, segment-changes, review-alerts, centroid-deltas
 * centroid-deltas (1 partition) -> model-coordinator [coordinator-state] -> segment-model
 * segment-model -> global store [segment-model-store], read by both processors
 * </pre>
 *
 * <p>With {@code input.keyed.by.user} the inputs are validated in place (a key must be its event's
 * user id) and feed the profile processor without the re-key and the repartition topic.
 */
public final class SegstreamTopology {

    public static final String CLICKS_SOURCE = "clicks-source";
    public static final String ORDERS_SOURCE = "orders-source";
    public static final String REVIEWS_SOURCE = "reviews-source";
    public static final String DELETIONS_SOURCE = "deletions-source";
    public static final String VALIDATE_CLICKS = "validate-clicks";
    public static final String VALIDATE_ORDERS = "validate-orders";
    public static final String VALIDATE_REVIEWS = "validate-reviews";
    public static final String VALIDATE_DELETIONS = "validate-deletions";
    public static final String EVENTS_BY_USER = "events-by-user";
    public static final String PROFILE_PROCESSOR = "profile-processor";
    public static final String PROFILES_STORE = "user-profiles";
    public static final String SWEEP_STORE = "rescore-sweep-state";
    public static final String SEGMENTS_SINK = "segments-sink";
    public static final String SEGMENTS_JSON_SINK = "segments-json-sink";
    public static final String CHANGES_SINK = "segment-changes-sink";
    public static final String DELTAS_SINK = "centroid-deltas-sink";
    public static final String ALERTS_SINK = "review-alerts-sink";
    public static final String DELTAS_SOURCE = "centroid-deltas-source";
    public static final String COORDINATOR = "model-coordinator";
    public static final String COORDINATOR_STORE = "coordinator-state";
    public static final String MODEL_SINK = "segment-model-sink";
    public static final String MODEL_SOURCE = "segment-model-source";
    public static final String MODEL_STORE = "segment-model-store";

    private static final ObjectMapper JSON = new ObjectMapper();

    private SegstreamTopology() {}

    public static Topology buildTopology(SegstreamConfig config, TopologyDeps deps) {
        Topics topics = config.topics();
        StreamsBuilder builder = new StreamsBuilder();

        builder.addGlobalStore(
                Stores.keyValueStoreBuilder(
                                Stores.inMemoryKeyValueStore(MODEL_STORE),
                                Serdes.String(),
                                Serdes.ByteArray())
                        .withLoggingDisabled(),
                topics.segmentModel(),
                Consumed.with(Serdes.String(), Serdes.ByteArray()).withName(MODEL_SOURCE),
                ModelStoreUpdater::new);
        builder.addStateStore(
                Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(PROFILES_STORE),
                        Serdes.String(),
                        new ProfileSerde()));
        builder.addStateStore(
                Stores.keyValueStoreBuilder(
                        Stores.inMemoryKeyValueStore(SWEEP_STORE),
                        Serdes.String(),
                        Serdes.String()));
        builder.addStateStore(
                Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(COORDINATOR_STORE),
                        Serdes.String(),
                        Serdes.ByteArray()));

        Events events =
                new Events(
                        new Events.Limits(
                                config.getInt(SegstreamConfig.MAX_TEXT_CHARS_CONFIG),
                                config.getLong(SegstreamConfig.MAX_FUTURE_MS_CONFIG),
                                config.getLong(SegstreamConfig.MIN_EVENT_TIME_CONFIG),
                                config.getDouble(SegstreamConfig.MAX_PRICE_CONFIG),
                                config.getInt(SegstreamConfig.MAX_ORDER_LINES_CONFIG)),
                        deps.wallClock(),
                        config.getString(SegstreamConfig.FAULT_FATAL_USER_CONFIG));
        boolean keyed = config.getBoolean(SegstreamConfig.INPUT_KEYED_BY_USER_CONFIG);
        RecordFormat format = RecordFormat.of(config);
        KStream<String, SpecificRecord> clicks =
                input(
                        builder,
                        format,
                        events,
                        keyed,
                        topics.clicks(),
                        ClickEvent.class,
                        CLICKS_SOURCE,
                        VALIDATE_CLICKS);
        KStream<String, SpecificRecord> orders =
                input(
                        builder,
                        format,
                        events,
                        keyed,
                        topics.orders(),
                        OrderEvent.class,
                        ORDERS_SOURCE,
                        VALIDATE_ORDERS);
        KStream<String, SpecificRecord> reviews =
                input(
                        builder,
                        format,
                        events,
                        keyed,
                        topics.reviews(),
                        ReviewEvent.class,
                        REVIEWS_SOURCE,
                        VALIDATE_REVIEWS);
        KStream<String, SpecificRecord> deletions =
                input(
                        builder,
                        format,
                        events,
                        keyed,
                        topics.deletions(),
                        DeletionRequest.class,
                        DELETIONS_SOURCE,
                        VALIDATE_DELETIONS);

        KStream<String, SpecificRecord> merged =
                clicks.merge(orders, Named.as("merge-orders"))
                        .merge(reviews, Named.as("merge-reviews"))
                        .merge(deletions, Named.as("merge-deletions"));
        if (!keyed) {
            merged =
                    merged.repartition(
                            Repartitioned.with(
                                            Serdes.String(), bounded(new UserEventSerde(), config))
                                    .withName(EVENTS_BY_USER));
        }
        KStream<String, Output> outputs =
                merged.process(
                        () -> new ProfileProcessor(config, deps),
                        Named.as(PROFILE_PROCESSOR),
                        PROFILES_STORE,
                        SWEEP_STORE);

        KStream<String, SegmentAssignment> assignments =
                outputs.filter(
                                (k, v) -> v instanceof Output.Assignment,
                                Named.as("only-assignments"))
                        .mapValues(
                                v -> ((Output.Assignment) v).value(),
                                Named.as("unwrap-assignments"));
        assignments.to(
                topics.segments(),
                Produced.with(
                                Serdes.String(),
                                bounded(format.serde(SegmentAssignment.class), config))
                        .withName(SEGMENTS_SINK));
        assignments
                .mapValues(SegstreamTopology::toJson, Named.as("assignments-to-json"))
                .to(
                        topics.segmentsJson(),
                        Produced.with(Serdes.String(), bounded(Serdes.String(), config))
                                .withName(SEGMENTS_JSON_SINK));
        outputs.filter((k, v) -> v instanceof Output.Change, Named.as("only-changes"))
                .mapValues(v -> ((Output.Change) v).value(), Named.as("unwrap-changes"))
                .to(
                        topics.segmentChanges(),
                        Produced.with(
                                        Serdes.String(),
                                        bounded(format.serde(SegmentChange.class), config))
                                .withName(CHANGES_SINK));
        outputs.filter((k, v) -> v instanceof Output.Alert, Named.as("only-alerts"))
                .mapValues(v -> ((Output.Alert) v).value(), Named.as("unwrap-alerts"))
                .to(
                        topics.reviewAlerts(),
                        Produced.with(
                                        Serdes.String(),
                                        bounded(format.serde(ReviewAlert.class), config))
                                .withName(ALERTS_SINK));
        outputs.filter((k, v) -> v instanceof Output.Delta, Named.as("only-deltas"))
                .mapValues(v -> ((Output.Delta) v).value(), Named.as("unwrap-deltas"))
                .to(
                        topics.centroidDeltas(),
                        Produced.with(
                                        Serdes.String(),
                                        bounded(AvroSerde.of(CentroidDelta.class), config))
                                .withName(DELTAS_SINK));

        builder.stream(
                        topics.centroidDeltas(),
                        Consumed.with(Serdes.String(), AvroSerde.of(CentroidDelta.class))
                                .withName(DELTAS_SOURCE))
                .process(
                        () -> new ModelCoordinator(config, deps),
                        Named.as(COORDINATOR),
                        COORDINATOR_STORE)
                .to(
                        topics.segmentModel(),
                        Produced.with(Serdes.String(), bounded(Serdes.ByteArray(), config))
                                .withName(MODEL_SINK));

        return builder.build();
    }

    /**
     * One validated input topic: re-keyed by user id, or, when the topic is keyed by user already,
     * checked in place so that the key stays and no repartition follows.
     */
    private static <T extends SpecificRecord> KStream<String, SpecificRecord> input(
            StreamsBuilder builder,
            RecordFormat format,
            Events events,
            boolean keyedByUser,
            String topic,
            Class<T> type,
            String sourceName,
            String validateName) {
        KStream<String, T> source =
                builder.stream(
                        topic,
                        Consumed.with(Serdes.String(), format.serde(type))
                                .withName(sourceName)
                                .withTimestampExtractor(new EventTimeExtractor(events)));
        if (keyedByUser) {
            return source.mapValues(events::validateKeyed, Named.as(validateName));
        }
        return source.selectKey((k, v) -> events.validate(v), Named.as(validateName))
                .mapValues(v -> (SpecificRecord) v, Named.as(validateName + "-upcast"));
    }

    /** Kafka Streams properties: the config's, plus the dead-letter handlers and their settings. */
    public static Properties streamsProperties(SegstreamConfig config, MeterRegistry registry) {
        Properties p = config.streamsProperties();
        p.put(
                StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                DlqDeserializationHandler.class);
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DlqProcessingHandler.class);
        p.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, DlqProductionHandler.class);
        // the model topic's records go through the same handler (it dead-letters a bad model
        // record)
        p.put("processing.exception.handler.global.enabled", true);
        p.put("segstream.dlq.topic", config.topics().dlq());
        p.put("segstream.meter.registry", registry);
        p.put(
                "segstream.dlq.max.payload.bytes",
                config.getInt(SegstreamConfig.DLQ_MAX_PAYLOAD_CONFIG));
        return p;
    }

    /**
     * An output value serde that refuses, in serialization, a value too large for the producer: see
     * {@link SizeBoundSerde} for why the producer must not be the one to refuse it.
     */
    private static <T> Serde<T> bounded(Serde<T> serde, SegstreamConfig config) {
        return SizeBoundSerde.of(serde, config.producerMaxRequestSize());
    }

    static String toJson(SegmentAssignment a) {
        if (a == null) {
            return null;
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("userId", a.getUserId());
        json.put("segmentId", a.getSegmentId());
        json.put("segmentName", a.getSegmentName());
        json.put("distance", a.getDistance());
        json.put("modelVersion", a.getModelVersion());
        json.put("eventTime", a.getEventTime().toEpochMilli());
        try {
            return JSON.writeValueAsString(json);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
