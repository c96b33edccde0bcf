package io.segstream.app.topology;

import static io.segstream.app.topology.TopologyHarness.T0;
import static io.segstream.app.topology.TopologyHarness.deletion;
import static io.segstream.app.topology.TopologyHarness.line;
import static io.segstream.app.topology.TopologyHarness.order;
import static io.segstream.app.topology.TopologyHarness.view;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.segstream.app.config.SegstreamConfig;
import io.segstream.app.serde.AvroSerde;
import io.segstream.core.clustering.Cluster;
import io.segstream.core.clustering.MiniBatchUpdate;
import io.segstream.core.encoder.CachingTextEncoder;
import io.segstream.core.encoder.EncoderConfig;
import io.segstream.core.features.BehaviourFeatures;
import io.segstream.core.features.FeatureSpec;
import io.segstream.core.features.TextProjection;
import io.segstream.core.model.SegmentModels;
import io.segstream.core.profile.ProfileCodec;
import io.segstream.core.profile.UserProfile;
import io.segstream.schemas.Centroid;
import io.segstream.schemas.CentroidDelta;
import io.segstream.schemas.EncoderInfo;
import io.segstream.schemas.ModelOrigin;
import io.segstream.schemas.SegmentChange;
import io.segstream.schemas.SegmentChangeType;
import io.segstream.schemas.SegmentModel;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The online k-means loop through the whole topology: tasks send seed samples, the coordinator
 * seeds the first model, tasks send centroid deltas and the coordinator publishes the next
 * versions. Settings: k = 2, 4 seed users, a flush after every record.
 */
class OnlineModelTopologyTest {

    /** kmeans.half.life.batches default: 20 batches. */
    private static final double DECAY = MiniBatchUpdate.decayForHalfLife(20);

    private static CachingTextEncoder encoder;
    private static EncoderInfo info;

    @TempDir Path stateDir;

    @BeforeAll
    static void openEncoder() {
        encoder = CachingTextEncoder.open(EncoderConfig.defaults());
        info = TopologyHarness.encoderInfo(encoder);
    }

    @AfterAll
    static void closeEncoder() {
        encoder.close();
    }

    @Test
    void shouldSeedTheFirstModelFromTheSeedUsersAndAssignStoredUsers() {
        try (TopologyHarness h = new TopologyHarness(encoder, stateDir, Map.of())) {
            h.clicks.pipeInput(
                    "browser-1", view("browser-1", T0, "Red retrospot mug", "Home/Kitchen", 2.55));
            h.clicks.pipeInput(
                    "browser-2",
                    view("browser-2", at(1), "Pink polkadot cup", "Home/Kitchen", 0.85));
            h.orders.pipeInput(
                    "buyer-1",
                    order(
                            "buyer-1",
                            at(2),
                            line("Jumbo bag red retrospot", 10, 1.95),
                            line("Lunch bag pink polkadot", 10, 1.65)));
            assertThat(h.readModels())
                    .as("no model before 4 users were seen")
                    .extracting(SegmentModel::getVersion)
                    .isEmpty();
            // a second event of a seen user does not make it a fourth user
            h.clicks.pipeInput(
                    "browser-1",
                    view("browser-1", at(3), "Blue polkadot bowl", "Home/Kitchen", 1.25));
            assertThat(h.readModels())
                    .as("no model before 4 users were seen")
                    .extracting(SegmentModel::getVersion)
                    .isEmpty();

            List<CentroidDelta> samples = h.deltas.readValuesToList();
            assertThat(samples).isNotEmpty();
            assertThat(samples)
                    .allSatisfy(
                            d -> {
                                assertThat(d.getBaseModelVersion()).isZero();
                                assertThat(d.getDeltas()).isEmpty();
                                assertThat(d.getSeedSamples())
                                        .allSatisfy(
                                                s ->
                                                        assertThat(s)
                                                                .hasSize(
                                                                        BehaviourFeatures.NAMES
                                                                                        .size()
                                                                                + 384));
                            });
            assertThat(h.changes.isEmpty()).isTrue();
            assertThat(h.segments.isEmpty()).isTrue();
            assertThat(h.profiles().get("buyer-1")).isNotNull();

            h.orders.pipeInput(
                    "buyer-2",
                    order(
                            "buyer-2",
                            at(4),
                            line("Regency cakestand 3 tier", 4, 10.95),
                            line("White hanging heart t-light holder", 12, 2.55)));

            List<SegmentModel> models = h.feedBackModels();
            assertThat(models).hasSize(1);
            SegmentModel seeded = models.get(0);
            assertThat(seeded.getVersion()).isEqualTo(1);
            assertThat(seeded.getMajorVersion()).isEqualTo(1);
            assertThat(seeded.getParentVersion()).isNull();
            assertThat(seeded.getOrigin()).isEqualTo(ModelOrigin.SEED);
            assertThat(seeded.getK()).isEqualTo(2);
            assertThat(seeded.getCentroids()).hasSize(2);
            assertThat(seeded.getCentroids())
                    .extracting(Centroid::getSegmentId)
                    .containsExactly(0, 1);
            assertThat(seeded.getCentroids())
                    .allSatisfy(
                            c ->
                                    assertThat(c.getVector())
                                            .hasSize(BehaviourFeatures.NAMES.size() + 384));
            assertThat(seeded.getTextEncoder()).isEqualTo(info);
            assertThat(seeded.getFeatureSpec().getTextDimension()).isEqualTo(384);
            assertThat(h.currentModel().getVersion()).isEqualTo(1);

            // the stored users are assigned on the first model, without new events
            h.driver.advanceWallClockTime(Duration.ofSeconds(1));
            List<SegmentChange> changes = h.changes.readValuesToList();
            assertThat(changes)
                    .extracting(SegmentChange::getUserId)
                    .containsExactlyInAnyOrder("browser-1", "browser-2", "buyer-1", "buyer-2");
            assertThat(changes)
                    .allSatisfy(
                            c -> {
                                assertThat(c.getChangeType())
                                        .isEqualTo(SegmentChangeType.FIRST_ASSIGNMENT);
                                assertThat(c.getModelVersion()).isEqualTo(1);
                                assertThat(c.getPreviousSegment()).isNull();
                            });
            assertThat(changes)
                    .extracting(SegmentChange::getNewSegment)
                    .containsOnly(0, 1)
                    .contains(0, 1);
            assertThat(h.segments.readValuesToList()).hasSize(4);
            assertThat(h.profiles().get("buyer-2").modelVersion()).isEqualTo(1);
        }
    }

    @Test
    void shouldPublishTheNextOnlineVersionWithTheCentroidMovedTowardsTheBatch() {
        try (TopologyHarness h = new TopologyHarness(encoder, stateDir, Map.of())) {
            // segment 0 at orders_log 0.5, segment 1 at 3.0; a viewer sits at 0
            h.publish(TestModels.ordersModel(1, 1, info, 10, 0.5, 3.0));

            h.clicks.pipeInput(
                    "browser", view("browser", T0, "Red retrospot mug", "Home/Kitchen", 2.55));

            CentroidDelta delta = h.deltas.readValue();
            assertThat(delta.getBaseModelVersion()).isEqualTo(1);
            assertThat(delta.getDeltas()).hasSize(1);
            assertThat(delta.getDeltas().get(0).getSegmentId()).isZero();
            assertThat(delta.getDeltas().get(0).getCount()).isEqualTo(1);
            double x = delta.getDeltas().get(0).getSum().get(TestModels.ORDERS_LOG);
            assertThat(x).isCloseTo(0.0, within(1e-9));

            List<SegmentModel> models = h.feedBackModels();
            assertThat(models).hasSize(1);
            SegmentModel v2 = models.get(0);
            assertThat(v2.getVersion()).isEqualTo(2);
            assertThat(v2.getParentVersion()).isEqualTo(1);
            assertThat(v2.getMajorVersion()).isEqualTo(1);
            assertThat(v2.getOrigin()).isEqualTo(ModelOrigin.ONLINE);
            assertThat(v2.getTextEncoder()).isEqualTo(info);
            // c <- (c*n*a + sum) / (n*a + m), n <- n*a + m
            double n = 10 * DECAY;
            double expected = (0.5 * n + x) / (n + 1);
            assertThat(ordersLog(v2, 0)).isCloseTo(expected, within(1e-6)).isLessThan(0.5);
            assertThat(v2.getCentroids().get(0).getWeight()).isCloseTo(n + 1, within(1e-9));
            assertThat(ordersLog(v2, 1)).isCloseTo(3.0, within(1e-6));
            assertThat(v2.getCentroids().get(1).getWeight()).isCloseTo(n, within(1e-9));
            assertThat(h.currentModel().getVersion()).isEqualTo(2);

            // the next delta is computed under v2 and moves segment 0 further towards the viewers
            h.clicks.pipeInput(
                    "browser-2",
                    view("browser-2", at(1), "Pink polkadot cup", "Home/Kitchen", 0.85));
            assertThat(h.deltas.readValue().getBaseModelVersion()).isEqualTo(2);
            SegmentModel v3 = h.feedBackModels().get(0);
            assertThat(v3.getVersion()).isEqualTo(3);
            assertThat(v3.getParentVersion()).isEqualTo(2);
            assertThat(ordersLog(v3, 0)).isLessThan(ordersLog(v2, 0)).isGreaterThan(0.0);
            // no re-score for an online version: only the new user's first assignment
            assertThat(h.changes.readValuesToList())
                    .extracting(SegmentChange::getChangeType)
                    .containsExactly(
                            SegmentChangeType.FIRST_ASSIGNMENT, SegmentChangeType.FIRST_ASSIGNMENT);
        }
    }

    @Test
    void shouldKeepUpdatingTheCompatibleModelWhenAnIncompatibleOneIsPublished() {
        try (TopologyHarness h = new TopologyHarness(encoder, stateDir, Map.of())) {
            h.publish(TestModels.ordersModel(1, 1, info, 10, 0.5, 3.0));
            h.clicks.pipeInput(
                    "browser", view("browser", T0, "Red retrospot mug", "Home/Kitchen", 2.55));
            assertThat(h.feedBackModels())
                    .extracting(SegmentModel::getVersion, SegmentModel::getTextEncoder)
                    .containsExactly(tuple(2L, info));
            h.changes.readValuesToList();

            // a model of another encoder arrives: the processors refuse it
            EncoderInfo other =
                    EncoderInfo.newBuilder()
                            .setModelId("bge-small-zh-v15-q")
                            .setSha256("0".repeat(64))
                            .setDimension(info.getDimension())
                            .build();
            h.publish(TestModels.ordersModel(5, 1, other, 10, 0.5, 3.0));
            h.clicks.pipeInput(
                    "browser-2",
                    view("browser-2", at(1), "Pink polkadot cup", "Home/Kitchen", 0.85));
            assertThat(h.changes.readValue().getModelVersion()).isEqualTo(2);

            // the coordinator goes on from v2, under a version above the refused one
            List<SegmentModel> models = h.feedBackModels();
            assertThat(models).hasSize(1);
            SegmentModel next = models.get(0);
            assertThat(next.getTextEncoder()).isEqualTo(info);
            assertThat(next.getParentVersion()).isEqualTo(2);
            assertThat(next.getVersion()).isEqualTo(6);
            assertThat(next.getOrigin()).isEqualTo(ModelOrigin.ONLINE);
            assertThat(h.currentModel().getVersion()).isEqualTo(6);

            // and the processors take it up
            h.clicks.pipeInput(
                    "browser-3",
                    view("browser-3", at(2), "Blue polkadot bowl", "Home/Kitchen", 1.25));
            assertThat(h.changes.readValue().getModelVersion()).isEqualTo(6);
            assertThat(h.dlqRecords()).isEmpty();
        }
    }

    @Test
    void shouldSeedAfreshWhenItsOwnModelIsOfAnOlderFeatureLayout() {
        try (TopologyHarness h = new TopologyHarness(encoder, stateDir, Map.of())) {
            // what an older segstream left behind: its model in the topic and in the coordinator
            SegmentModel legacy =
                    TestModels.withFeatureRenamed(
                            TestModels.ordersModel(3, 1, info, 10, 0.5, 3.0),
                            "recency_months_log",
                            "recency_days_log");
            h.publish(legacy);
            h.driver
                    .<String, byte[]>getKeyValueStore(SegstreamTopology.COORDINATOR_STORE)
                    .put(ModelCoordinator.MODEL_KEY, ModelCache.encode(legacy));

            ListAppender<ILoggingEvent> log = new ListAppender<>();
            Logger coordinatorLog = (Logger) LoggerFactory.getLogger(ModelCoordinator.class);
            log.start();
            coordinatorLog.addAppender(log);
            try {
                for (int i = 0; i < 4; i++) {
                    String user = "buyer-" + i;
                    h.orders.pipeInput(
                            user,
                            order(user, at(i), line("Jumbo bag red retrospot", 1 + 5 * i, 1.95)));
                }
            } finally {
                coordinatorLog.detachAppender(log);
            }
            // four deltas met the refused v3 before the seed: one warning, not one per delta
            assertThat(log.list)
                    .filteredOn(e -> e.getFormattedMessage().startsWith("Not updating"))
                    .extracting(ILoggingEvent::getFormattedMessage)
                    .containsExactly("Not updating segment model v3: this instance cannot use it");

            List<SegmentModel> models = h.feedBackModels();
            assertThat(models).hasSize(1);
            SegmentModel seeded = models.get(0);
            assertThat(seeded.getOrigin()).isEqualTo(ModelOrigin.SEED);
            assertThat(seeded.getVersion()).isGreaterThan(3);
            assertThat(seeded.getFeatureSpec().getNames()).isEqualTo(BehaviourFeatures.NAMES);
            h.driver.advanceWallClockTime(Duration.ofSeconds(1));
            assertThat(h.changes.readValuesToList())
                    .hasSize(4)
                    .allSatisfy(
                            c -> assertThat(c.getModelVersion()).isEqualTo(seeded.getVersion()));
            assertThat(h.dlqRecords()).isEmpty();
        }
    }

    @Test
    void shouldReseedADyingSegmentNextToTheHeaviest() {
        try (TopologyHarness h = new TopologyHarness(encoder, stateDir, Map.of())) {
            SegmentModel model = TestModels.ordersModel(1, 1, info, 10, 0.5, 3.0);
            // segment 1 has almost no weight left: below 5% of the mean segment weight
            model.getCentroids().get(1).setWeight(0.1);
            h.publish(model);

            h.clicks.pipeInput(
                    "browser", view("browser", T0, "Red retrospot mug", "Home/Kitchen", 2.55));

            SegmentModel v2 = h.feedBackModels().get(0);
            double heaviest = 10 * DECAY + 1;
            assertThat(ordersLog(v2, 1))
                    .as("moved from 3.0 next to segment 0")
                    .isCloseTo(ordersLog(v2, 0), within(0.01));
            assertThat(v2.getCentroids().get(1).getWeight())
                    .isCloseTo(heaviest / 2, within(1e-6))
                    .isCloseTo(v2.getCentroids().get(0).getWeight(), within(1e-9));
        }
    }

    @Test
    void shouldWaitForTheWarmUpBeforeSendingSeedSamples() {
        Map<String, Object> warmUp = Map.of(SegstreamConfig.SEED_WARMUP_MS_CONFIG, 86_400_000L);
        try (TopologyHarness h = new TopologyHarness(encoder, stateDir, warmUp)) {
            for (int u = 0; u < 4; u++) {
                h.clicks.pipeInput(
                        "u" + u, view("u" + u, at(u), "Red retrospot mug", "Home", 2.55));
            }
            assertThat(h.deltas.isEmpty()).as("nothing sent within the first day").isTrue();
            assertThat(h.readModels()).isEmpty();

            Instant nextDay = T0.plus(Duration.ofHours(25));
            h.clicks.pipeInput("u0", view("u0", nextDay, "Pink polkadot cup", "Home", 0.85));

            CentroidDelta samples = h.deltas.readValue();
            assertThat(samples.getSeedSamples()).hasSize(4);
            assertThat(h.feedBackModels())
                    .extracting(SegmentModel::getOrigin)
                    .containsExactly(ModelOrigin.SEED);
        }
    }

    @Test
    void shouldSeedOnlyFromCustomersWithTheirMinEvents() {
        Map<String, Object> twoEvents = Map.of(SegstreamConfig.MIN_EVENTS_CONFIG, 2);
        try (TopologyHarness h = new TopologyHarness(encoder, stateDir, twoEvents)) {
            for (int u = 0; u < 6; u++) {
                h.clicks.pipeInput(
                        "u" + u, view("u" + u, at(u), "Red retrospot mug", "Home", 2 + u));
            }
            assertThat(h.deltas.readValuesToList())
                    .as("six customers with one event each: none to seed from")
                    .allSatisfy(d -> assertThat(d.getSeedSamples()).isEmpty());
            assertThat(h.readModels()).isEmpty();

            for (int u = 0; u < 4; u++) {
                h.clicks.pipeInput(
                        "u" + u, view("u" + u, at(10 + u), "Pink polkadot cup", "Home", 1 + u));
            }

            assertThat(
                            h.deltas.readValuesToList().stream()
                                    .mapToInt(d -> d.getSeedSamples().size())
                                    .sum())
                    .as("the four with a second event")
                    .isEqualTo(4);
            assertThat(h.feedBackModels())
                    .extracting(SegmentModel::getOrigin)
                    .containsExactly(ModelOrigin.SEED);
        }
    }

    @Test
    void shouldRefitOnThePanelAsANewMajorVersionAndRescoreEveryone() {
        try (TopologyHarness h = new TopologyHarness(encoder, stateDir, everyoneInPanel(5))) {
            // a poor model: both centres among the buyers, none near the viewers
            h.publish(TestModels.ordersModel(1, 1, info, 10, 2.5, 3.0));
            pipeViewersAndBuyers(h, 30);
            SegmentModel current = h.currentModel();
            assertThat(current.getMajorVersion())
                    .as("re-fitted once the panel had 50 users")
                    .isGreaterThan(1);
            assertThat(current.getOrigin()).isEqualTo(ModelOrigin.ONLINE);
            assertThat(current.getProvenance().getNotes().get("method")).contains("online re-fit");
            assertThat(current.getCentroids())
                    .extracting(Centroid::getSegmentId)
                    .containsExactly(0, 1);
            assertThat(current.getFeatureSpec().getScales().get(TestModels.ORDERS_LOG))
                    .as("the scaling is fitted on the panel")
                    .isNotEqualTo(1.0);

            // every stored user is re-scored under the re-fit: viewers and buyers part ways
            h.driver.advanceWallClockTime(Duration.ofSeconds(1));
            assertThat(h.changes.readValuesToList())
                    .extracting(SegmentChange::getChangeType)
                    .contains(SegmentChangeType.RESCORED);
            var profiles = h.profiles();
            int viewerSegment = profiles.get("viewer-0").segment();
            int buyerSegment = profiles.get("buyer-0").segment();
            assertThat(viewerSegment).isNotEqualTo(buyerSegment);
            for (int u = 0; u < 30; u++) {
                assertThat(profiles.get("viewer-" + u).segment()).isEqualTo(viewerSegment);
                assertThat(profiles.get("buyer-" + u).segment()).isEqualTo(buyerSegment);
            }
        }
    }

    @Test
    void shouldCountOnlyScoredEventsTowardsTheNextRefitNotTheSweepsSamples() {
        try (TopologyHarness h = new TopologyHarness(encoder, stateDir, everyoneInPanel(1000))) {
            h.publish(TestModels.ordersModel(1, 1, info, 10, 2.5, 3.0));
            pipeViewersAndBuyers(h, 30);
            assertThat(h.currentModel().getMajorVersion()).isEqualTo(1);
            List<CentroidDelta> sent = h.deltas.readValuesToList();
            CentroidDelta last = sent.get(sent.size() - 1);
            TestInputTopic<String, CentroidDelta> toCoordinator =
                    h.driver.createInputTopic(
                            h.topics.centroidDeltas(),
                            new StringSerializer(),
                            AvroSerde.of(CentroidDelta.class).serializer());

            // an aging pass over 1,000 customers: it teaches the centres, but nobody bought
            toCoordinator.pipeInput(ProfileProcessor.DELTA_KEY, timesThousand(last, true));
            h.feedBackModels();
            assertThat(refitsTried(h)).isZero();

            // 1,000 events: a re-fit is due (published or declined, as the panel decides)
            toCoordinator.pipeInput(ProfileProcessor.DELTA_KEY, timesThousand(last, false));
            h.feedBackModels();
            assertThat(refitsTried(h)).isEqualTo(1);
        }
    }

    private static double refitsTried(TopologyHarness h) {
        return h.registry.get("segstream.model.refits").counter().count()
                + h.registry.get("segstream.model.refits.declined").counter().count();
    }

    /** {@code delta}'s points a thousand times, counted as the sweep's samples or as events. */
    private static CentroidDelta timesThousand(CentroidDelta delta, boolean aged) {
        List<io.segstream.schemas.ClusterDelta> clusters = new ArrayList<>();
        for (var cluster : delta.getDeltas()) {
            long count = cluster.getCount() * 1000;
            clusters.add(
                    new io.segstream.schemas.ClusterDelta(
                            cluster.getSegmentId(),
                            count,
                            cluster.getSum().stream().map(v -> v * 1000).toList(),
                            aged ? count : 0L));
        }
        return CentroidDelta.newBuilder()
                .setTaskId(delta.getTaskId())
                .setBaseModelVersion(delta.getBaseModelVersion())
                .setFlushTime(delta.getFlushTime())
                .setDeltas(clusters)
                .build();
    }

    @Test
    void shouldHoldOnlyTheSegmentsThatExplainEnoughOfTheVariance() {
        Map<String, Object> settings = new HashMap<>(everyoneInPanel(5));
        settings.put(SegstreamConfig.SEGMENTS_K_CONFIG, 4);
        settings.put(SegstreamConfig.SEGMENTS_MIN_GAIN_CONFIG, 0.05);
        settings.put(SegstreamConfig.SEED_USERS_CONFIG, 20);
        try (TopologyHarness h = new TopologyHarness(encoder, stateDir, settings)) {
            List<SegmentModel> models = new ArrayList<>();
            for (int u = 0; u < 40; u++) {
                // prices vary within each group, so that its users are not one point
                h.clicks.pipeInput(
                        "viewer-" + u,
                        view("viewer-" + u, at(u), "Red retrospot mug", "Home", 2 + u * 0.1));
                h.orders.pipeInput(
                        "buyer-" + u,
                        order(
                                "buyer-" + u,
                                at(u),
                                line("Regency cakestand 3 tier", 4, 10 + u * 0.2)));
                models.addAll(h.feedBackModels());
            }

            assertThat(models.get(0).getOrigin()).isEqualTo(ModelOrigin.SEED);
            assertThat(models)
                    .as("two groups of users, up to 4 segments: seeded and kept at 2")
                    .extracting(SegmentModel::getK)
                    .containsOnly(2);
            assertThat(h.registry.get("segstream.model.refits.declined").counter().count())
                    .as("re-fits ran, found the same two segments and were not published")
                    .isPositive();
            h.driver.advanceWallClockTime(Duration.ofSeconds(1));
            var profiles = h.profiles();
            int viewerSegment = profiles.get("viewer-0").segment();
            int buyerSegment = profiles.get("buyer-0").segment();
            assertThat(viewerSegment).isNotEqualTo(buyerSegment);
            for (int u = 0; u < 40; u++) {
                assertThat(profiles.get("viewer-" + u).segment()).isEqualTo(viewerSegment);
                assertThat(profiles.get("buyer-" + u).segment()).isEqualTo(buyerSegment);
            }
        }
    }

    @Test
    void shouldSeedASegmentPerDistinctProfileAndAddTheRestWhenUsersDiffer() {
        Map<String, Object> settings = new HashMap<>(everyoneInPanel(5));
        settings.put(SegstreamConfig.SEGMENTS_K_CONFIG, 4);
        settings.put(SegstreamConfig.SEED_USERS_CONFIG, 20);
        try (TopologyHarness h = new TopologyHarness(encoder, stateDir, settings)) {
            List<SegmentModel> models = new ArrayList<>();
            // 20 seed users of two kinds, alike within each: two distinct profiles for k = 4
            for (int u = 0; u < 10; u++) {
                h.clicks.pipeInput(
                        "viewer-" + u, view("viewer-" + u, at(u), "Red retrospot mug", "Home", 2));
                h.orders.pipeInput(
                        "buyer-" + u,
                        order("buyer-" + u, at(u), line("Regency cakestand 3 tier", 4, 10)));
                models.addAll(h.feedBackModels());
            }
            assertThat(models).as("seeded once the 20 users were in").isNotEmpty();
            assertThat(models.get(0).getOrigin()).isEqualTo(ModelOrigin.SEED);
            assertThat(models.get(0).getK()).as("one segment per distinct profile").isEqualTo(2);
            assertThat(h.dlq.readValuesToList()).as("nothing dead-lettered").isEmpty();

            // then buyers of four basket sizes, enough for a re-fit panel of users who differ
            for (int u = 0; u < 80; u++) {
                h.orders.pipeInput(
                        "shopper-" + u,
                        order(
                                "shopper-" + u,
                                at(20 + u),
                                line("Regency cakestand 3 tier", 1 + 30 * (u % 4), 10 + u * 0.1)));
                models.addAll(h.feedBackModels());
            }

            SegmentModel current = h.currentModel();
            assertThat(current.getOrigin()).isEqualTo(ModelOrigin.ONLINE);
            assertThat(current.getK()).as("grown to segments.k").isEqualTo(4);
            assertThat(current.getProvenance().getMetrics())
                    .doesNotContainKey(SegmentModels.SEGMENTS_WANTED_METRIC);
            assertThat(h.dlq.readValuesToList()).isEmpty();
        }
    }

    @Test
    void shouldDateARefitByTheCoordinatorsStreamTimeNotByALateDelta() {
        try (TopologyHarness h = new TopologyHarness(encoder, stateDir, everyoneInPanel(5))) {
            h.publish(TestModels.ordersModel(1, 1, info, 10, 2.5, 3.0));
            // one task is ahead of the others: its delta reaches the coordinator first
            h.clicks.pipeInput("ahead", view("ahead", at(600), "Red retrospot mug", "Home", 2.55));
            h.feedBackModels();
            pipeViewersAndBuyers(h, 30);

            SegmentModel current = h.currentModel();
            assertThat(current.getMajorVersion()).as("re-fitted").isGreaterThan(1);
            assertThat(current.getCreatedAt())
                    .as("read as of the newest delta, not the late one that made the re-fit due")
                    .isEqualTo(at(600));
        }
    }

    @Test
    void shouldShowThePanelTheSegmentTheSweepGaveAUserWithoutEvents() {
        try (TopologyHarness h =
                new TopologyHarness(encoder, stateDir, everyoneInPanel(1_000_000))) {
            h.publish(TestModels.ordersModel(1, 1, info, 10, 0.5, 3.0));
            h.orders.pipeInput(
                    "quiet", order("quiet", T0, line("Regency cakestand 3 tier", 4, 10.95)));
            h.deltas.readValuesToList();

            // a new major version, and nothing more from "quiet": only the sweep re-scores them
            h.publish(TestModels.ordersModel(50, 2, info, 10, 3.0, 0.5));
            // no event follows: the sweep sends its panel users itself, so they do not pile up
            h.driver.advanceWallClockTime(Duration.ofSeconds(1));

            UserProfile stored = h.profiles().get("quiet");
            assertThat(stored.modelVersion()).as("re-scored by the sweep").isEqualTo(50);
            List<UserProfile> sent = new ArrayList<>();
            for (CentroidDelta d : h.deltas.readValuesToList()) {
                for (int i = 0; i < d.getPanelUsers().size(); i++) {
                    if (d.getPanelUsers().get(i).equals("quiet")) {
                        ByteBuffer b = d.getPanelProfiles().get(i).duplicate();
                        byte[] bytes = new byte[b.remaining()];
                        b.get(bytes);
                        sent.add(ProfileCodec.decode(bytes));
                    }
                }
            }
            assertThat(sent).isNotEmpty();
            assertThat(sent.get(sent.size() - 1).modelVersion()).isEqualTo(50);
            assertThat(sent.get(sent.size() - 1).segment()).isEqualTo(stored.segment());
        }
    }

    @Test
    void shouldTellTheCoordinatorToForgetADeletedPanelUser() {
        try (TopologyHarness h = new TopologyHarness(encoder, stateDir, everyoneInPanel(100))) {
            h.publish(TestModels.ordersModel(1, 1, info, 10, 0.5, 3.0));
            h.clicks.pipeInput("gone", view("gone", T0, "Red retrospot mug", "Home", 2.55));
            assertThat(h.deltas.readValue().getPanelUsers()).containsExactly("gone");

            h.deletions.pipeInput("gone", deletion("gone", at(1)));
            h.clicks.pipeInput("other", view("other", at(2), "Pink polkadot cup", "Home", 0.85));

            assertThat(h.deltas.readValuesToList())
                    .flatExtracting(CentroidDelta::getForgetUsers)
                    .containsExactly("gone");
            KeyValueStore<String, byte[]> state =
                    h.driver.getKeyValueStore(SegstreamTopology.COORDINATOR_STORE);
            assertThat(state.get(RefitPanel.PREFIX + "gone")).isNull();
            assertThat(state.get(RefitPanel.PREFIX + "other")).isNotNull();
        }
    }

    @Test
    void shouldScoreAndLearnWithAModelWhoseTextBlockIsProjected() {
        try (TopologyHarness h = new TopologyHarness(encoder, stateDir, Map.of())) {
            double[][] components = new double[2][384];
            components[0][0] = 1;
            components[1][1] = 1;
            TextProjection projection = new TextProjection(new double[384], components);
            FeatureSpec spec = TestModels.ordersOnlySpec(384);
            List<Cluster> clusters = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                double[] center = new double[BehaviourFeatures.NAMES.size() + 2];
                center[TestModels.ORDERS_LOG] = i == 0 ? 0.5 : 3.0;
                clusters.add(new Cluster(i, center, 10));
            }
            h.publish(
                    SegmentModels.trained(
                            1,
                            1,
                            null,
                            spec,
                            projection,
                            clusters,
                            id -> "s" + id,
                            id -> "",
                            info,
                            T0,
                            T0,
                            T0,
                            1,
                            Map.of(),
                            Map.of()));

            h.clicks.pipeInput("browser", view("browser", T0, "Red retrospot mug", "Home", 2.55));

            assertThat(h.changes.readValue().getNewSegment()).isZero();
            CentroidDelta delta = h.deltas.readValue();
            assertThat(delta.getDeltas().get(0).getSum())
                    .hasSize(BehaviourFeatures.NAMES.size() + 2);
            SegmentModel v2 = h.feedBackModels().get(0);
            assertThat(v2.getProjection()).isNotNull();
            assertThat(v2.getCentroids())
                    .allSatisfy(
                            c ->
                                    assertThat(c.getVector())
                                            .hasSize(BehaviourFeatures.NAMES.size() + 2));
            assertThat(h.dlqRecords()).isEmpty();
        }
    }

    private static double ordersLog(SegmentModel model, int segment) {
        return model.getCentroids().stream()
                .filter(c -> c.getSegmentId() == segment)
                .findFirst()
                .orElseThrow()
                .getVector()
                .get(TestModels.ORDERS_LOG);
    }

    /** One view by viewer-u and one order by buyer-u at minute u, for u below {@code n}. */
    private static void pipeViewersAndBuyers(TopologyHarness h, int n) {
        for (int u = 0; u < n; u++) {
            h.clicks.pipeInput(
                    "viewer-" + u, view("viewer-" + u, at(u), "Red retrospot mug", "Home", 2.55));
            h.orders.pipeInput(
                    "buyer-" + u,
                    order("buyer-" + u, at(u), line("Regency cakestand 3 tier", 4, 10.95)));
            h.feedBackModels();
        }
    }

    /**
     * Settings with every user in the re-fit panel and a re-fit every {@code refitEvery} events.
     */
    private static Map<String, Object> everyoneInPanel(long refitEvery) {
        return Map.of(
                SegstreamConfig.REFIT_EVERY_CONFIG,
                refitEvery,
                SegstreamConfig.REFIT_SAMPLE_RATE_CONFIG,
                1.0);
    }

    private static Instant at(int minutes) {
        return T0.plus(Duration.ofMinutes(minutes));
    }
}
