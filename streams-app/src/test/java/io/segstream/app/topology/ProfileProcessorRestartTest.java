package io.segstream.app.topology;

import static io.segstream.app.topology.TopologyHarness.T0;
import static io.segstream.app.topology.TopologyHarness.line;
import static io.segstream.app.topology.TopologyHarness.order;
import static io.segstream.app.topology.TopologyHarness.view;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.segstream.app.config.SegstreamConfig;
import io.segstream.app.serde.ProfileSerde;
import io.segstream.core.encoder.CachingTextEncoder;
import io.segstream.core.encoder.EncoderConfig;
import io.segstream.core.profile.UserProfile;
import io.segstream.schemas.ClickEvent;
import io.segstream.schemas.EncoderInfo;
import io.segstream.schemas.ModelOrigin;
import io.segstream.schemas.OrderEvent;
import io.segstream.schemas.SegmentChange;
import io.segstream.schemas.SegmentChangeType;
import io.segstream.schemas.SegmentModel;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The profile processor over real in-memory stores, restarted on the same state as after a
 * rebalance or a deployment: a restart must not re-score users who were already scored under the
 * current major version (that would undo their hysteresis and emit changes nobody caused).
 */
class ProfileProcessorRestartTest {

    private static final double C1 = 1.35;

    private static CachingTextEncoder encoder;
    private static EncoderInfo info;

    @TempDir Path stateDir;

    private SegstreamConfig config;
    private TopologyDeps deps;
    private MockProcessorContext<String, Output> context;
    private KeyValueStore<String, byte[]> models;
    private KeyValueStore<String, String> sweepState;
    private KeyValueStore<String, UserProfile> profiles;
    private long streamTime;

    @BeforeAll
    static void openEncoder() {
        encoder = CachingTextEncoder.open(EncoderConfig.defaults());
        info = TopologyHarness.encoderInfo(encoder);
    }

    @AfterAll
    static void closeEncoder() {
        encoder.close();
    }

    @BeforeEach
    void createStores() {
        config =
                SegstreamConfig.of(
                        Map.of(
                                "kafka.state.dir",
                                stateDir.toString(),
                                SegstreamConfig.FLUSH_RECORDS_CONFIG,
                                10_000_000));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        deps = new TopologyDeps(encoder, info, registry, TopologyHarness.WALL_CLOCK::toEpochMilli);
        context = new MockProcessorContext<>(SegstreamTopology.streamsProperties(config, registry));
        profiles =
                Stores.keyValueStoreBuilder(
                                Stores.inMemoryKeyValueStore(SegstreamTopology.PROFILES_STORE),
                                Serdes.String(),
                                new ProfileSerde())
                        .withLoggingDisabled()
                        .build();
        profiles.init(context.getStateStoreContext(), profiles);
        context.addStateStore(profiles);
        models =
                Stores.keyValueStoreBuilder(
                                Stores.inMemoryKeyValueStore(SegstreamTopology.MODEL_STORE),
                                Serdes.String(),
                                Serdes.ByteArray())
                        .withLoggingDisabled()
                        .build();
        models.init(context.getStateStoreContext(), models);
        context.addStateStore(models);
        sweepState =
                Stores.keyValueStoreBuilder(
                                Stores.inMemoryKeyValueStore(SegstreamTopology.SWEEP_STORE),
                                Serdes.String(),
                                Serdes.String())
                        .withLoggingDisabled()
                        .build();
        sweepState.init(context.getStateStoreContext(), sweepState);
        context.addStateStore(sweepState);
    }

    @Test
    void shouldNotRescoreUsersOfTheCurrentMajorVersionAfterARestart() {
        store(TestModels.ordersModel(1, 1, info, 10, 0, C1));
        store(online(TestModels.ordersModel(2, 1, info, 10, 0.01, C1)));
        ProfileProcessor first = start();
        // one order: nearer to segment 1, held in segment 0 by the hysteresis margin
        process(first, "held", view("held", T0, "Red retrospot mug", "Home/Kitchen", 2.55));
        process(first, "held", order("held", at(1), line("Red retrospot mug", 6, 2.55)));
        assertThat(changes())
                .extracting(SegmentChange::getChangeType)
                .containsExactly(SegmentChangeType.FIRST_ASSIGNMENT);
        assertThat(profiles.get("held").segment()).isZero();
        assertThat(profiles.get("held").modelVersion()).isEqualTo(2);
        first.close();

        // an online update of the same major arrives while the instance is down
        store(online(TestModels.ordersModel(3, 1, info, 10, 0.02, C1)));
        context.resetForwards();
        ProfileProcessor second = start();
        process(second, "new", view("new", at(2), "Blue polkadot bowl", "Home/Kitchen", 1.25));
        sweep();

        assertThat(changes())
                .extracting(SegmentChange::getUserId, SegmentChange::getChangeType)
                .containsExactly(tuple("new", SegmentChangeType.FIRST_ASSIGNMENT));
        assertThat(profiles.get("held").segment()).isZero();
    }

    @Test
    void shouldRescoreUsersOfAnOlderMajorVersionAfterARestart() {
        store(TestModels.ordersModel(1, 1, info, 10, 0, C1));
        ProfileProcessor first = start();
        process(first, "held", view("held", T0, "Red retrospot mug", "Home/Kitchen", 2.55));
        first.close();

        // the trainer's re-fit arrives while the instance is down: the segments swap places
        store(TestModels.ordersModel(2, 2, info, 10, C1, 0));
        context.resetForwards();
        ProfileProcessor second = start();
        process(second, "new", view("new", at(2), "Blue polkadot bowl", "Home/Kitchen", 1.25));
        sweep();

        List<SegmentChange> changes = changes();
        assertThat(changes)
                .extracting(SegmentChange::getUserId, SegmentChange::getChangeType)
                .containsExactly(
                        tuple("new", SegmentChangeType.FIRST_ASSIGNMENT),
                        tuple("held", SegmentChangeType.RESCORED));
        assertThat(changes.get(1).getNewSegment()).isEqualTo(1);
        assertThat(changes.get(1).getModelVersion()).isEqualTo(2);
    }

    @Test
    void shouldResumeTheSweepWhereItStoppedAfterARestart() {
        config =
                SegstreamConfig.of(
                        Map.of(
                                "kafka.state.dir",
                                stateDir.toString(),
                                SegstreamConfig.FLUSH_RECORDS_CONFIG,
                                10_000_000,
                                SegstreamConfig.SWEEP_MAX_USERS_CONFIG,
                                1));
        store(TestModels.ordersModel(1, 1, info, 10, 0, C1));
        ProfileProcessor first = start();
        for (String user : List.of("a", "b", "c")) {
            process(first, user, view(user, T0, "Red retrospot mug", "Home/Kitchen", 2.55));
        }
        sweep();
        sweep();
        sweep();
        store(TestModels.ordersModel(2, 2, info, 10, C1, 0));
        context.resetForwards();
        sweep();
        assertThat(changes())
                .extracting(SegmentChange::getUserId, SegmentChange::getChangeType)
                .containsExactly(tuple("a", SegmentChangeType.RESCORED));
        first.close();

        // the task moves or the instance restarts: the pass goes on after "a"
        context.resetForwards();
        ProfileProcessor second = start();
        sweep();
        sweep();
        sweep();
        assertThat(changes())
                .extracting(SegmentChange::getUserId, SegmentChange::getChangeType)
                .containsExactly(
                        tuple("b", SegmentChangeType.RESCORED),
                        tuple("c", SegmentChangeType.RESCORED));
        assertThat(List.of("a", "b", "c"))
                .allSatisfy(u -> assertThat(profiles.get(u).modelVersion()).isEqualTo(2));
    }

    /** One slice of the re-score sweep, as its wall-clock punctuation runs it. */
    private void sweep() {
        context.scheduledPunctuators().stream()
                .filter(p -> p.getType() == PunctuationType.WALL_CLOCK_TIME)
                .forEach(
                        p ->
                                p.getPunctuator()
                                        .punctuate(TopologyHarness.WALL_CLOCK.toEpochMilli()));
    }

    private ProfileProcessor start() {
        ProfileProcessor processor = new ProfileProcessor(config, deps);
        processor.init(context);
        return processor;
    }

    private void process(ProfileProcessor processor, String user, SpecificRecord event) {
        long time =
                event instanceof ClickEvent c
                        ? c.getEventTime().toEpochMilli()
                        : ((OrderEvent) event).getEventTime().toEpochMilli();
        context.setRecordMetadata("segstream-test-events-by-user-repartition", 0, 0);
        context.setCurrentStreamTimeMs(Math.max(streamTime, time));
        streamTime = Math.max(streamTime, time);
        processor.process(new Record<>(user, event, time));
    }

    /** As the global store updater keeps it: under the version's key, and as current. */
    private void store(SegmentModel model) {
        byte[] bytes = ModelCache.encode(model);
        models.put(ModelStoreUpdater.versionKey(model.getVersion()), bytes);
        models.put(ModelCache.CURRENT, bytes);
    }

    private static SegmentModel online(SegmentModel model) {
        model.setOrigin(ModelOrigin.ONLINE);
        return model;
    }

    private List<SegmentChange> changes() {
        return context.forwarded().stream()
                .map(f -> f.record().value())
                .filter(v -> v instanceof Output.Change)
                .map(v -> ((Output.Change) v).value())
                .toList();
    }

    private static Instant at(int minutes) {
        return T0.plus(Duration.ofMinutes(minutes));
    }
}
