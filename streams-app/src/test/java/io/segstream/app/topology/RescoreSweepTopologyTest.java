package io.segstream.app.topology;

import static io.segstream.app.topology.TopologyHarness.T0;
import static io.segstream.app.topology.TopologyHarness.line;
import static io.segstream.app.topology.TopologyHarness.order;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Gauge;
import io.segstream.app.config.SegstreamConfig;
import io.segstream.core.encoder.CachingTextEncoder;
import io.segstream.core.encoder.EncoderConfig;
import io.segstream.core.features.BehaviourFeatures;
import io.segstream.schemas.CentroidDelta;
import io.segstream.schemas.EncoderInfo;
import io.segstream.schemas.FeatureContribution;
import io.segstream.schemas.SegmentChange;
import io.segstream.schemas.SegmentChangeType;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The re-score sweep on the topology: a new major version is applied in bounded slices while events
 * keep being scored, and users without events leave their segment as their recency ages.
 */
class RescoreSweepTopologyTest {

    private static final double C1 = 1.35;
    private static final int USERS = 200;
    private static final int SLICE = 50;

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

    @AfterEach
    void closeDriver() {
        if (h != null) {
            h.close();
        }
    }

    private void start(long agingIntervalMs) {
        start(agingIntervalMs, false);
    }

    private void start(long agingIntervalMs, boolean learning) {
        start(agingIntervalMs, learning, new HashMap<>());
    }

    private void start(long agingIntervalMs, boolean learning, Map<String, Object> settings) {
        settings.put(SegstreamConfig.LEARNING_ENABLED_CONFIG, learning);
        settings.put(SegstreamConfig.SWEEP_MAX_USERS_CONFIG, SLICE);
        settings.put(SegstreamConfig.SWEEP_INTERVAL_MS_CONFIG, 1000L);
        settings.put(SegstreamConfig.AGING_INTERVAL_MS_CONFIG, agingIntervalMs);
        // the harness's wall clock stands still while these tests' events run 40 days on: events
        // the validation refused as future no longer move stream time
        settings.put(SegstreamConfig.MAX_FUTURE_MS_CONFIG, Duration.ofDays(60).toMillis());
        h = new TopologyHarness(encoder, stateDir, settings);
    }

    @Test
    void shouldKeepAssigningEventsWhileTheSweepRescoresInSlicesAndReachEveryUser() {
        start(0);
        h.publish(TestModels.ordersModel(1, 1, info, 10, 0, C1));
        for (int i = 0; i < USERS; i++) {
            String user = user(i);
            h.orders.pipeInput(user, order(user, T0.plusSeconds(i), line("Jumbo bag", 1, 1.95)));
        }
        assertThat(h.changes.readValuesToList())
                .hasSize(USERS)
                .allMatch(c -> c.getChangeType() == SegmentChangeType.FIRST_ASSIGNMENT)
                .allMatch(c -> c.getNewSegment() == 1);
        // the first model's pass finds everyone scored already
        for (int slice = 0; slice < USERS / SLICE; slice++) {
            h.driver.advanceWallClockTime(Duration.ofSeconds(1));
        }
        assertThat(h.changes.isEmpty()).isTrue();
        assertThat(scoringVersion()).isEqualTo(1.0);

        // the trainer publishes a new major version: the segments swap places
        h.publish(TestModels.ordersModel(2, 2, info, 10, C1, 0));
        // nothing is re-scored in the poll that brings the model: a new user is simply assigned
        String late = "zz-late-1";
        h.orders.pipeInput(late, order(late, T0.plusSeconds(900), line("Jumbo bag", 1, 1.95)));
        // a user of the old major is re-scored at their own next event
        String active = user(150);
        h.orders.pipeInput(active, order(active, T0.plusSeconds(901), line("Jumbo bag", 1, 1.95)));
        List<SegmentChange> atEvents = h.changes.readValuesToList();
        assertThat(atEvents)
                .extracting(SegmentChange::getUserId, SegmentChange::getChangeType)
                .containsExactly(
                        org.assertj.core.api.Assertions.tuple(
                                late, SegmentChangeType.FIRST_ASSIGNMENT),
                        org.assertj.core.api.Assertions.tuple(active, SegmentChangeType.RESCORED));
        assertThat(atEvents).allMatch(c -> c.getModelVersion() == 2);
        assertThat(h.profiles().get(user(0)).modelVersion()).isEqualTo(1);

        // one wall-clock slice: at most SLICE users
        h.driver.advanceWallClockTime(Duration.ofSeconds(1));
        List<SegmentChange> firstSlice = h.changes.readValuesToList();
        assertThat(firstSlice)
                .hasSize(SLICE)
                .allMatch(c -> c.getChangeType() == SegmentChangeType.RESCORED)
                .allMatch(c -> c.getModelVersion() == 2);
        assertThat(h.profiles().get(user(USERS - 1)).modelVersion()).isEqualTo(1);
        assertThat(ratio()).isLessThan(1.0);
        assertThat(scoringVersion()).isEqualTo(1.0);

        // events go on being scored between slices
        String later = "zz-late-2";
        h.orders.pipeInput(later, order(later, T0.plusSeconds(902), line("Jumbo bag", 1, 1.95)));
        assertThat(h.changes.readValuesToList())
                .singleElement()
                .satisfies(c -> assertThat(c.getModelVersion()).isEqualTo(2));

        List<SegmentChange> rescored = new ArrayList<>(firstSlice);
        for (int slice = 0; slice < 10 && scoringVersion() < 2; slice++) {
            h.driver.advanceWallClockTime(Duration.ofSeconds(1));
            rescored.addAll(h.changes.readValuesToList());
        }
        Map<String, Long> perUser =
                rescored.stream()
                        .collect(
                                Collectors.groupingBy(
                                        SegmentChange::getUserId, Collectors.counting()));
        // every user of the old major once, the one re-scored at its event not again
        assertThat(perUser)
                .hasSize(USERS - 1)
                .doesNotContainKey(active)
                .allSatisfy(
                        (u, n) -> {
                            assertThat(n).isEqualTo(1L);
                        });
        for (int i = 0; i < USERS; i++) {
            assertThat(h.profiles().get(user(i)).modelVersion()).isEqualTo(2);
            assertThat(h.profiles().get(user(i)).segment()).isZero();
        }
        assertThat(ratio()).isEqualTo(1.0);
        assertThat(scoringVersion()).isEqualTo(2.0);
    }

    @Test
    void shouldMoveAUserWithoutEventsWhenTheirRecencyAgesAndKeepThemThereUnderANewMajor() {
        long day = Duration.ofDays(1).toMillis();
        start(day);
        // segment 0: ordered a day ago; segment 1: ordered 60 days ago
        double active = BehaviourFeatures.recency(1);
        double lapsed = BehaviourFeatures.recency(60);
        h.publish(TestModels.axisModel(TestModels.RECENCY_LOG, 1, 1, info, 10, active, lapsed));
        String lapsing = "lapsing";
        h.orders.pipeInput(lapsing, order(lapsing, T0, line("Jumbo bag", 1, 1.95)));
        assertThat(h.changes.readValue().getNewSegment()).isZero();

        // the 10 % margin: a move once lapsed - r < 0.9 (r - active)
        double boundary = (lapsed + 0.9 * active) / 1.9;
        long exitAfter = Math.round(BehaviourFeatures.recencyDays(boundary) * day);

        // another customer keeps ordering: stream time goes on, 6 hours at a time
        String clock = "clock";
        SegmentChange exit = null;
        Instant t = T0;
        while (exit == null && t.isBefore(T0.plus(Duration.ofDays(40)))) {
            t = t.plus(Duration.ofHours(6));
            h.orders.pipeInput(clock, order(clock, t, line("Jumbo bag", 1, 1.95)));
            h.driver.advanceWallClockTime(Duration.ofSeconds(1));
            exit =
                    h.changes.readValuesToList().stream()
                            .filter(c -> c.getUserId().equals(lapsing))
                            .findFirst()
                            .orElse(null);
        }
        assertThat(exit).as("a time-based exit within 40 days").isNotNull();
        assertThat(exit.getChangeType()).isEqualTo(SegmentChangeType.MOVED);
        assertThat(exit.getPreviousSegment()).isZero();
        assertThat(exit.getNewSegment()).isEqualTo(1);
        long after = exit.getEventTime().toEpochMilli() - T0.toEpochMilli();
        assertThat(after).isGreaterThanOrEqualTo(exitAfter).isLessThanOrEqualTo(exitAfter + day);
        assertThat(exit.getDrivers())
                .extracting(FeatureContribution::getFeature)
                .first()
                .isEqualTo("recency_months_log");
        assertThat(h.profiles().get(lapsing).segment()).isEqualTo(1);
        assertThat(h.profiles().get(lapsing).lastEventTime()).isEqualTo(T0.toEpochMilli());

        // a re-fit that finds the same structure: re-scored as of now, the lapsed customer stays
        // lapsed (as of their last order they would look recent until the next aging pass)
        h.publish(TestModels.axisModel(TestModels.RECENCY_LOG, 2, 2, info, 10, active, lapsed));
        for (int i = 0; i < 3; i++) {
            h.driver.advanceWallClockTime(Duration.ofSeconds(1));
        }
        assertThat(h.profiles().get(lapsing).modelVersion()).isEqualTo(2);
        assertThat(h.profiles().get(lapsing).segment()).isEqualTo(1);
        assertThat(h.changes.readValuesToList())
                .noneMatch(c -> c.getUserId().equals(lapsing) && c.getNewSegment() == 0);
    }

    @Test
    void shouldTeachTheMiniBatchWhereAgedCustomersAreNotOnlyWhereTheyJustBought() {
        long day = Duration.ofDays(1).toMillis();
        start(day, true);
        h.publish(
                TestModels.axisModel(
                        TestModels.RECENCY_LOG,
                        1,
                        1,
                        info,
                        10,
                        BehaviourFeatures.recency(1),
                        BehaviourFeatures.recency(60)));
        h.orders.pipeInput("lapsing", order("lapsing", T0, line("Jumbo bag", 1, 1.95)));
        int events = 1;
        for (Instant t = T0.plus(Duration.ofHours(6));
                t.isBefore(T0.plus(Duration.ofDays(5)));
                t = t.plus(Duration.ofHours(6))) {
            h.orders.pipeInput("clock", order("clock", t, line("Jumbo bag", 1, 1.95)));
            events++;
            h.driver.advanceWallClockTime(Duration.ofSeconds(1));
        }

        long points = 0;
        long aged = 0;
        double recencySum = 0;
        for (CentroidDelta delta : h.deltas.readValuesToList()) {
            for (var cluster : delta.getDeltas()) {
                points += cluster.getCount();
                aged += cluster.getAged();
                recencySum += cluster.getSum().get(TestModels.RECENCY_LOG);
            }
        }
        // at its events a customer is at recency 0; the aging passes add both customers as of
        // now, the lapsing one more than a day after their order, and say which points were theirs
        assertThat(aged).isGreaterThanOrEqualTo(2);
        assertThat(points - aged).isEqualTo(events);
        assertThat(recencySum).isGreaterThan(BehaviourFeatures.recency(1));
    }

    @Test
    void shouldSendNoPointOfTheOldMajorWithTheNewMajorsFirstMiniBatch() {
        long day = Duration.ofDays(1).toMillis();
        Map<String, Object> settings = new HashMap<>();
        // one flush in the test, at the 15th event under the new major (stream-time punctuation
        // runs on a grid from the epoch: a 1000-day one has no point in these days)
        int flushRecords = 15;
        settings.put(SegstreamConfig.FLUSH_RECORDS_CONFIG, flushRecords);
        settings.put(SegstreamConfig.FLUSH_INTERVAL_MS_CONFIG, 1000 * day);
        start(day, true, settings);
        double recent = BehaviourFeatures.recency(1);
        double lapsed = BehaviourFeatures.recency(60);
        h.publish(TestModels.axisModel(TestModels.RECENCY_LOG, 1, 1, info, 10, recent, lapsed));
        for (int i = 0; i < 5; i++) {
            h.orders.pipeInput(user(i), order(user(i), T0, line("Jumbo bag", 1, 1.95)));
        }
        // two days on, aging passes have scored everyone as of now into the aged batch
        for (int hours = 12; hours <= 48; hours += 12) {
            h.orders.pipeInput(
                    "clock",
                    order("clock", T0.plus(Duration.ofHours(hours)), line("Jumbo bag", 1, 1.95)));
            h.driver.advanceWallClockTime(Duration.ofSeconds(1));
        }
        assertThat(h.deltas.isEmpty()).as("nothing flushed before the new major").isTrue();

        // the segments swap places: points gathered under major 1 would land in the wrong centres
        h.publish(TestModels.axisModel(TestModels.RECENCY_LOG, 2, 2, info, 10, lapsed, recent));
        for (int i = 0; i < flushRecords; i++) {
            assertThat(h.deltas.isEmpty())
                    .as("flushed after %d events of the new major", i)
                    .isTrue();
            String user = user(i % 5);
            h.orders.pipeInput(
                    user,
                    order(
                            user,
                            T0.plus(Duration.ofDays(3)).plusSeconds(i),
                            line("Jumbo bag", 1, 1.95)));
        }

        List<CentroidDelta> flushed = h.deltas.readValuesToList();
        assertThat(flushed).isNotEmpty().allMatch(d -> d.getBaseModelVersion() == 2);
        long points = 0;
        long aged = 0;
        for (CentroidDelta delta : flushed) {
            for (var cluster : delta.getDeltas()) {
                points += cluster.getCount();
                aged += cluster.getAged();
            }
        }
        assertThat(aged).isZero();
        assertThat(points).isEqualTo(flushRecords);
    }

    private double ratio() {
        return h.registry.find("segstream.users.current.major.ratio").gauges().stream()
                .mapToDouble(Gauge::value)
                .min()
                .orElseThrow();
    }

    private double scoringVersion() {
        return h.registry.find("segstream.model.scoring.version").gauges().stream()
                .mapToDouble(Gauge::value)
                .min()
                .orElseThrow();
    }

    private static String user(int i) {
        return String.format("u%03d", i);
    }
}
