package io.segstream.app.topology;

import static io.segstream.app.topology.TopologyHarness.T0;
import static io.segstream.app.topology.TopologyHarness.deletion;
import static io.segstream.app.topology.TopologyHarness.line;
import static io.segstream.app.topology.TopologyHarness.order;
import static io.segstream.app.topology.TopologyHarness.view;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

import io.segstream.app.config.SegstreamConfig;
import io.segstream.core.encoder.CachingTextEncoder;
import io.segstream.core.encoder.EncoderConfig;
import io.segstream.core.model.ModelCompatibilityException;
import io.segstream.core.model.ScoringModel;
import io.segstream.core.profile.ProfileSettings;
import io.segstream.core.profile.UserProfile;
import io.segstream.schemas.EncoderInfo;
import io.segstream.schemas.SegmentAssignment;
import io.segstream.schemas.SegmentChange;
import io.segstream.schemas.SegmentChangeType;
import io.segstream.schemas.SegmentModel;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Assignment against hand-built models on one axis, {@code orders_log} (see {@link TestModels}):
 * segment 0 at 0 (no orders), segment 1 at 1.35. A user who only views sits at 0; one order puts
 * them at log(2) = 0.693, nearer to segment 1 (0.657) than to 0 (0.693) but within the 10%
 * hysteresis margin; two orders put them at log(3) = 1.099, well past it.
 *
 * <p>The coordinator is kept silent (no delta flushes), so only the test publishes models.
 */
class SegmentAssignmentTopologyTest {

    private static final double LOG2 = Math.log(2);
    private static final double LOG3 = Math.log(3);
    private static final double C1 = 1.35;

    private static CachingTextEncoder encoder;
    private static EncoderInfo info;

    @TempDir Path stateDir;

    private TopologyHarness h;

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
    void publishFirstModel() {
        h =
                new TopologyHarness(
                        encoder,
                        stateDir,
                        Map.of(
                                SegstreamConfig.FLUSH_RECORDS_CONFIG,
                                10_000_000,
                                SegstreamConfig.FLUSH_INTERVAL_MS_CONFIG,
                                Long.MAX_VALUE / 4));
        h.publish(TestModels.ordersModel(1, 1, info, 10, 0, C1));
    }

    @AfterEach
    void closeDriver() {
        h.close();
    }

    @Test
    void shouldEmitOneFirstAssignmentAndNoChangeWhileTheUserStaysWithinTheMargin() {
        h.clicks.pipeInput("u-1", view("u-1", T0, "Red retrospot mug", "Home/Kitchen", 2.55));
        h.clicks.pipeInput("u-1", view("u-1", at(1), "Blue polkadot bowl", "Home/Kitchen", 1.25));
        h.orders.pipeInput("u-1", order("u-1", at(2), line("Red retrospot mug", 6, 2.55)));
        h.clicks.pipeInput("u-1", view("u-1", at(3), "Pink polkadot cup", "Home/Kitchen", 0.85));

        List<SegmentChange> changes = h.changes.readValuesToList();
        assertThat(changes).hasSize(1);
        SegmentChange first = changes.get(0);
        assertThat(first.getChangeType()).isEqualTo(SegmentChangeType.FIRST_ASSIGNMENT);
        assertThat(first.getUserId()).isEqualTo("u-1");
        assertThat(first.getPreviousSegment()).isNull();
        assertThat(first.getPreviousDistance()).isNull();
        assertThat(first.getNewSegment()).isZero();
        assertThat(first.getNewDistance()).isCloseTo(0.0, within(1e-6));
        assertThat(first.getModelVersion()).isEqualTo(1);
        assertThat(first.getEventTime()).isEqualTo(T0);

        List<KeyValue<String, SegmentAssignment>> segments = h.segments.readKeyValuesToList();
        assertThat(segments).hasSize(1);
        assertThat(segments.get(0).key).isEqualTo("u-1");
        assertThat(segments.get(0).value.getSegmentId()).isZero();
        assertThat(segments.get(0).value.getSegmentName()).isEqualTo("segment 0");
        assertThat(h.segmentsJson.readValuesToList())
                .singleElement()
                .asString()
                .contains("\"userId\":\"u-1\"")
                .contains("\"segmentId\":0");

        // the user is now nearer to segment 1, but not by the 10% margin: they stay, silently
        UserProfile profile = h.profiles().get("u-1");
        double[] x = scoring(1).vectorizer().vectorize(profile, at(3).toEpochMilli());
        assertThat(x[TestModels.ORDERS_LOG]).isCloseTo(LOG2, within(1e-3));
        assertThat(Math.abs(C1 - x[TestModels.ORDERS_LOG]))
                .isLessThan(x[TestModels.ORDERS_LOG])
                .isGreaterThan(0.9 * x[TestModels.ORDERS_LOG]);
        assertThat(profile.segment()).isZero();
        assertThat(profile.modelVersion()).isEqualTo(1);
    }

    @Test
    void shouldEmitMovedWithBothSegmentsAndDistancesOnceBeyondTheMargin() {
        h.clicks.pipeInput("u-1", view("u-1", T0, "Red retrospot mug", "Home/Kitchen", 2.55));
        h.orders.pipeInput("u-1", order("u-1", at(1), line("Red retrospot mug", 6, 2.55)));
        h.orders.pipeInput("u-1", order("u-1", at(2), line("Jumbo bag red retrospot", 10, 1.95)));
        h.clicks.pipeInput("u-1", view("u-1", at(3), "Pink polkadot cup", "Home/Kitchen", 0.85));

        List<SegmentChange> changes = h.changes.readValuesToList();
        assertThat(changes)
                .extracting(SegmentChange::getChangeType)
                .containsExactly(SegmentChangeType.FIRST_ASSIGNMENT, SegmentChangeType.MOVED);
        SegmentChange moved = changes.get(1);
        assertThat(moved.getPreviousSegment()).isZero();
        assertThat(moved.getNewSegment()).isEqualTo(1);
        assertThat(moved.getPreviousDistance()).isCloseTo(LOG3, within(1e-3));
        assertThat(moved.getNewDistance()).isCloseTo(C1 - LOG3, within(1e-3));
        assertThat(moved.getNewDistance()).isLessThan(0.9 * moved.getPreviousDistance());
        assertThat(moved.getModelVersion()).isEqualTo(1);
        assertThat(moved.getEventTime()).isEqualTo(at(2));
        assertThat(moved.getDrivers()).isNotEmpty();
        assertThat(moved.getDrivers().get(0).getFeature()).isEqualTo("orders_log");
        assertThat(moved.getDrivers().get(0).getValue()).isCloseTo(LOG3, within(1e-3));

        List<SegmentAssignment> segments = h.segments.readValuesToList();
        assertThat(segments).extracting(SegmentAssignment::getSegmentId).containsExactly(0, 1);
        assertThat(segments.get(1).getDistance()).isCloseTo(C1 - LOG3, within(1e-3));
        assertThat(h.profiles().get("u-1").segment()).isEqualTo(1);
    }

    @Test
    void shouldKeepSegmentSizesAsUsersArriveMoveAndAreDeleted() {
        h.clicks.pipeInput("u-1", view("u-1", T0, "Red retrospot mug", "Home/Kitchen", 2.55));
        h.orders.pipeInput("u-1", order("u-1", at(1), line("Red retrospot mug", 6, 2.55)));
        h.clicks.pipeInput("u-2", view("u-2", T0, "Blue polkadot bowl", "Home/Kitchen", 1.25));
        assertThat(segmentUsers()).containsEntry("0", 2.0);
        h.orders.pipeInput("u-1", order("u-1", at(2), line("Jumbo bag red retrospot", 10, 1.95)));
        assertThat(h.profiles().get("u-1").segment()).isEqualTo(1);
        assertThat(segmentUsers()).containsEntry("0", 1.0).containsEntry("1", 1.0);
        h.deletions.pipeInput("u-1", deletion("u-1", at(5)));
        assertThat(segmentUsers()).containsEntry("0", 1.0).containsEntry("1", 0.0);
    }

    @Test
    void shouldCountMovesAndErasuresButNotFirstAssignmentsOverTheLastDayOfEventTime() {
        h.clicks.pipeInput("u-1", view("u-1", T0, "Red retrospot mug", "Home/Kitchen", 2.55));
        h.orders.pipeInput("u-1", order("u-1", at(1), line("Red retrospot mug", 6, 2.55)));
        h.clicks.pipeInput("u-2", view("u-2", T0, "Blue polkadot bowl", "Home/Kitchen", 1.25));
        assertThat(gaugeBySegment("segstream.segment.moves.24h"))
                .containsExactlyEntriesOf(java.util.Map.of("0", 0.0));

        h.orders.pipeInput("u-1", order("u-1", at(2), line("Jumbo bag red retrospot", 10, 1.95)));
        assertThat(gaugeBySegment("segstream.segment.moves.24h"))
                .containsEntry("0", 1.0)
                .containsEntry("1", 1.0);
        h.deletions.pipeInput("u-1", deletion("u-1", at(5)));
        assertThat(gaugeBySegment("segstream.segment.moves.24h")).containsEntry("1", 2.0);

        // two days on, u-2 makes the same move: u-1's moves have left the 24 h window
        h.orders.pipeInput("u-2", order("u-2", at(2880), line("Red retrospot mug", 6, 2.55)));
        h.orders.pipeInput(
                "u-2", order("u-2", at(2881), line("Jumbo bag red retrospot", 10, 1.95)));
        assertThat(h.profiles().get("u-2").segment()).isEqualTo(1);
        assertThat(gaugeBySegment("segstream.segment.moves.24h"))
                .containsEntry("0", 1.0)
                .containsEntry("1", 1.0);
    }

    private java.util.Map<String, Double> segmentUsers() {
        return gaugeBySegment("segstream.segment.users");
    }

    /** A per-task gauge summed over tasks, by segment. */
    private java.util.Map<String, Double> gaugeBySegment(String name) {
        java.util.Map<String, Double> out = new java.util.TreeMap<>();
        h.registry
                .find(name)
                .gauges()
                .forEach(g -> out.merge(g.getId().getTag("segment"), g.value(), Double::sum));
        return out;
    }

    @Test
    void shouldDeleteTheProfileTombstoneTheSegmentAndEmitDeleted() {
        h.orders.pipeInput("u-1", order("u-1", T0, line("Red retrospot mug", 6, 2.55)));
        h.clicks.pipeInput("u-2", view("u-2", T0, "Blue polkadot bowl", "Home/Kitchen", 1.25));
        assertThat(h.profiles().get("u-1")).isNotNull();
        h.segments.readValuesToList();
        h.segmentsJson.readValuesToList();
        h.changes.readValuesToList();

        h.deletions.pipeInput("u-1", deletion("u-1", at(5)));

        assertThat(h.profiles().get("u-1")).isNull();
        assertThat(h.profiles().get("u-2")).isNotNull();
        KeyValue<String, SegmentAssignment> tombstone = h.segments.readKeyValue();
        assertThat(tombstone.key).isEqualTo("u-1");
        assertThat(tombstone.value).isNull();
        assertThat(h.segments.isEmpty()).isTrue();
        KeyValue<String, String> jsonTombstone = h.segmentsJson.readKeyValue();
        assertThat(jsonTombstone.key).isEqualTo("u-1");
        assertThat(jsonTombstone.value).isNull();
        List<SegmentChange> changes = h.changes.readValuesToList();
        assertThat(changes).hasSize(1);
        SegmentChange deleted = changes.get(0);
        assertThat(deleted.getUserId()).isEqualTo("u-1");
        assertThat(deleted.getChangeType()).isEqualTo(SegmentChangeType.DELETED);
        assertThat(deleted.getPreviousSegment()).isEqualTo(1);
        assertThat(deleted.getNewSegment()).isNull();
        assertThat(deleted.getNewDistance()).isNull();
        assertThat(deleted.getEventTime()).isEqualTo(at(5));
    }

    @Test
    void shouldGiveANewCustomerNoSegmentBeforeTheirMinEventsThEvent() {
        h.close();
        h =
                new TopologyHarness(
                        encoder,
                        stateDir.resolve("min-events"),
                        Map.of(
                                SegstreamConfig.FLUSH_RECORDS_CONFIG,
                                10_000_000,
                                SegstreamConfig.FLUSH_INTERVAL_MS_CONFIG,
                                Long.MAX_VALUE / 4,
                                SegstreamConfig.MIN_EVENTS_CONFIG,
                                3));
        h.publish(TestModels.ordersModel(1, 1, info, 10, 0, C1));
        h.clicks.pipeInput("u-1", view("u-1", T0, "Red retrospot mug", "Home/Kitchen", 2.55));
        h.orders.pipeInput("u-1", order("u-1", at(1), line("Red retrospot mug", 6, 2.55)));
        // neither a re-score pass under a new major nor an aging pass assigns them early
        h.publish(TestModels.ordersModel(2, 2, info, 10, 0, C1));
        h.driver.advanceWallClockTime(Duration.ofSeconds(1));

        assertThat(h.changes.isEmpty()).isTrue();
        assertThat(h.segments.isEmpty()).isTrue();
        assertThat(h.profiles().get("u-1").segment()).isEqualTo(UserProfile.NO_SEGMENT);
        assertThat(h.profiles().get("u-1").eventCount()).isEqualTo(2);

        h.orders.pipeInput("u-1", order("u-1", at(2), line("Jumbo bag", 10, 1.95)));

        SegmentChange first = h.changes.readValuesToList().get(0);
        assertThat(first.getChangeType()).isEqualTo(SegmentChangeType.FIRST_ASSIGNMENT);
        // assigned on all three events: two orders put them nearer the buyers' centre
        assertThat(first.getNewSegment()).isEqualTo(1);
        assertThat(first.getModelVersion()).isEqualTo(2);
    }

    @Test
    void shouldRescoreStoredUsersOnANewMajorVersionWithoutNewEvents() {
        h.clicks.pipeInput(
                "browser", view("browser", T0, "Red retrospot mug", "Home/Kitchen", 2.55));
        h.orders.pipeInput("buyer", order("buyer", T0, line("Red retrospot mug", 6, 2.55)));
        h.orders.pipeInput("buyer", order("buyer", at(1), line("Jumbo bag", 10, 1.95)));
        assertThat(h.profiles().get("browser").segment()).isZero();
        assertThat(h.profiles().get("buyer").segment()).isEqualTo(1);
        h.changes.readValuesToList();
        h.segments.readValuesToList();

        // the trainer re-fits: the segments swap places
        h.publish(TestModels.ordersModel(2, 2, info, 10, C1, 0));
        assertThat(h.changes.isEmpty()).isTrue();
        h.driver.advanceWallClockTime(Duration.ofSeconds(1));

        Map<String, SegmentChange> changes = byUser(h.changes.readValuesToList());
        assertThat(changes).containsOnlyKeys("browser", "buyer");
        SegmentChange browser = changes.get("browser");
        assertThat(browser.getChangeType()).isEqualTo(SegmentChangeType.RESCORED);
        assertThat(browser.getPreviousSegment()).isZero();
        assertThat(browser.getNewSegment()).isEqualTo(1);
        assertThat(browser.getModelVersion()).isEqualTo(2);
        assertThat(browser.getNewDistance()).isCloseTo(0.0, within(1e-6));
        assertThat(browser.getPreviousDistance()).isCloseTo(C1, within(1e-3));
        SegmentChange buyer = changes.get("buyer");
        assertThat(buyer.getChangeType()).isEqualTo(SegmentChangeType.RESCORED);
        assertThat(buyer.getPreviousSegment()).isEqualTo(1);
        assertThat(buyer.getNewSegment()).isZero();
        assertThat(buyer.getNewDistance()).isCloseTo(C1 - LOG3, within(1e-3));
        assertThat(buyer.getModelVersion()).isEqualTo(2);
        assertThat(h.segments.readValuesToList())
                .extracting(SegmentAssignment::getUserId, SegmentAssignment::getSegmentId)
                .containsExactlyInAnyOrder(tuple("browser", 1), tuple("buyer", 0));
        assertThat(h.profiles().get("browser").modelVersion()).isEqualTo(2);
    }

    @Test
    void shouldHoldAUserWithinTheMarginWhenARefitCarriesTheIdsOver() {
        assertThat(buyerAfterNewMajor(true)).isEqualTo(1);
    }

    @Test
    void shouldMoveAUserToTheNearestWhenANewMajorFittedAfreshHasNoClaimToTheOldIds() {
        assertThat(buyerAfterNewMajor(false)).isZero();
    }

    /**
     * The buyer's segment after a new major whose centres make segment 0 a little nearer than their
     * segment 1, less than the hysteresis margin: kept when the model carried the ids over from v1
     * (a re-fit aligns them), not when it was fitted afresh.
     */
    private int buyerAfterNewMajor(boolean idsCarriedOver) {
        h.orders.pipeInput("buyer", order("buyer", T0, line("Red retrospot mug", 6, 2.55)));
        h.orders.pipeInput("buyer", order("buyer", at(1), line("Jumbo bag", 10, 1.95)));
        assertThat(h.profiles().get("buyer").segment()).isEqualTo(1);
        h.changes.readValuesToList();
        SegmentModel refit = TestModels.ordersModel(2, 2, info, 10, 0.55, 1.67);
        refit.setParentVersion(idsCarriedOver ? 1L : null);
        h.publish(refit);
        h.driver.advanceWallClockTime(Duration.ofSeconds(1));
        assertThat(h.profiles().get("buyer").modelVersion()).isEqualTo(2);
        return h.profiles().get("buyer").segment();
    }

    @Test
    void shouldNotRescoreOnAnOnlineVersionOfTheSameMajor() {
        h.clicks.pipeInput(
                "browser", view("browser", T0, "Red retrospot mug", "Home/Kitchen", 2.55));
        h.changes.readValuesToList();

        h.publish(TestModels.ordersModel(2, 1, info, 10, C1, 0));
        h.driver.advanceWallClockTime(Duration.ofSeconds(1));
        assertThat(h.changes.isEmpty()).isTrue();

        // the next event scores under v2, with hysteresis: the user is far from segment 0 now
        h.clicks.pipeInput(
                "browser", view("browser", at(1), "Blue polkadot bowl", "Home/Kitchen", 1.25));
        SegmentChange moved = h.changes.readValue();
        assertThat(moved.getChangeType()).isEqualTo(SegmentChangeType.MOVED);
        assertThat(moved.getModelVersion()).isEqualTo(2);
        assertThat(moved.getNewSegment()).isEqualTo(1);
    }

    @Test
    void shouldRefuseAModelOfAnotherEncoderAndKeepScoringWithTheOldOne() {
        h.clicks.pipeInput(
                "browser", view("browser", T0, "Red retrospot mug", "Home/Kitchen", 2.55));
        h.changes.readValuesToList();
        h.segments.readValuesToList();

        h.publish(TestModels.ordersModel(2, 2, otherEncoder(), 10, C1, 0));
        assertThat(h.currentModel().getTextEncoder().getModelId()).isEqualTo("bge-small-zh-v15-q");
        h.driver.advanceWallClockTime(Duration.ofSeconds(1));
        h.clicks.pipeInput(
                "browser", view("browser", at(1), "Blue polkadot bowl", "Home/Kitchen", 1.25));
        h.orders.pipeInput("buyer", order("buyer", at(2), line("Red retrospot mug", 6, 2.55)));
        h.orders.pipeInput("buyer", order("buyer", at(3), line("Jumbo bag", 10, 1.95)));

        // no re-score under the refused model, and new events are scored under v1
        List<SegmentChange> changes = h.changes.readValuesToList();
        assertThat(changes).hasSize(1);
        assertThat(changes.get(0).getUserId()).isEqualTo("buyer");
        assertThat(changes.get(0).getChangeType()).isEqualTo(SegmentChangeType.FIRST_ASSIGNMENT);
        assertThat(changes.get(0).getNewSegment()).isEqualTo(1);
        assertThat(changes.get(0).getModelVersion()).isEqualTo(1);
        assertThat(h.profiles().get("browser").segment()).isZero();
        assertThat(h.profiles().get("browser").modelVersion()).isEqualTo(1);
        assertThat(h.dlqRecords()).isEmpty();

        // a compatible re-fit is taken up again
        h.publish(TestModels.ordersModel(3, 2, info, 10, C1, 0));
        h.driver.advanceWallClockTime(Duration.ofSeconds(1));
        assertThat(byUser(h.changes.readValuesToList()))
                .containsOnlyKeys("browser", "buyer")
                .allSatisfy(
                        (user, change) -> {
                            assertThat(change.getChangeType())
                                    .isEqualTo(SegmentChangeType.RESCORED);
                            assertThat(change.getModelVersion()).isEqualTo(3);
                        });
    }

    @Test
    void shouldRefuseAModelBuiltOnAFeatureThisVersionNoLongerComputes() {
        // recency was once log days under another name: a model of that layout must not be read
        SegmentModel legacy =
                TestModels.withFeatureRenamed(
                        TestModels.ordersModel(2, 2, info, 10, C1, 0),
                        "recency_months_log",
                        "recency_days_log");

        assertThatThrownBy(
                        () ->
                                ScoringModel.of(
                                        legacy,
                                        ProfileSettings.defaults(),
                                        info.getModelId(),
                                        info.getDimension()))
                .isInstanceOf(ModelCompatibilityException.class)
                .hasMessageContaining("[recency_days_log]")
                .hasMessageContaining("segstream train --publish");

        h.publish(legacy);
        h.driver.advanceWallClockTime(Duration.ofSeconds(1));
        h.orders.pipeInput("buyer", order("buyer", T0, line("Red retrospot mug", 6, 2.55)));

        SegmentChange first = h.changes.readValue();
        assertThat(first.getModelVersion()).isEqualTo(1);
        assertThat(first.getNewSegment()).isEqualTo(1);
        assertThat(h.dlqRecords()).isEmpty();
    }

    @Test
    void shouldScoreWithTheNewestUsableModelWhenTheCurrentOneIsRefusedAtStart() {
        // the refused model is already current when the processor first looks
        h.publish(TestModels.ordersModel(2, 2, otherEncoder(), 10, C1, 0));

        h.orders.pipeInput("buyer", order("buyer", T0, line("Red retrospot mug", 6, 2.55)));

        SegmentChange first = h.changes.readValue();
        assertThat(first.getChangeType()).isEqualTo(SegmentChangeType.FIRST_ASSIGNMENT);
        assertThat(first.getModelVersion()).isEqualTo(1);
        assertThat(first.getNewSegment()).isEqualTo(1);
        assertThat(h.segments.readValue().getModelVersion()).isEqualTo(1);
        assertThat(h.dlqRecords()).isEmpty();
    }

    private static EncoderInfo otherEncoder() {
        return EncoderInfo.newBuilder()
                .setModelId("bge-small-zh-v15-q")
                .setSha256("0".repeat(64))
                .setDimension(info.getDimension())
                .build();
    }

    private static Instant at(int minutes) {
        return T0.plus(Duration.ofMinutes(minutes));
    }

    private static ScoringModel scoring(long version) {
        SegmentModel model = TestModels.ordersModel(version, 1, info, 10, 0, C1);
        return ScoringModel.of(
                model, ProfileSettings.defaults(), info.getModelId(), info.getDimension());
    }

    private static Map<String, SegmentChange> byUser(List<SegmentChange> changes) {
        assertThat(changes.stream().map(SegmentChange::getUserId).distinct().count())
                .as("one change per user in %s", changes)
                .isEqualTo(changes.size());
        return changes.stream()
                .collect(Collectors.toMap(SegmentChange::getUserId, Function.identity()));
    }
}
