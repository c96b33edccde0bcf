package io.segstream.app.topology;

import static io.segstream.app.topology.TopologyHarness.T0;
import static io.segstream.app.topology.TopologyHarness.view;
import static org.assertj.core.api.Assertions.assertThat;

import io.segstream.app.config.SegstreamConfig;
import io.segstream.core.dataset.ShopEvent;
import io.segstream.core.dataset.ShopperSimulator;
import io.segstream.core.encoder.CachingTextEncoder;
import io.segstream.core.encoder.EncoderConfig;
import io.segstream.schemas.ClickEvent;
import io.segstream.schemas.OrderEvent;
import io.segstream.schemas.SegmentAssignment;
import io.segstream.schemas.SegmentModel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code input.keyed.by.user} drops the re-key and the repartition topic; on the same input the
 * engine must assign exactly as with them.
 */
class KeyedInputTopologyTest {

    private static CachingTextEncoder encoder;

    @TempDir Path stateDir;

    @BeforeAll
    static void openEncoder() {
        encoder = CachingTextEncoder.open(EncoderConfig.defaults());
    }

    @AfterAll
    static void closeEncoder() {
        encoder.close();
    }

    @Test
    void shouldHaveNoRepartitionTopicWhenTheInputIsKeyedByUser() {
        try (TopologyHarness keyed = harness(true, "keyed");
                TopologyHarness rekeyed = harness(false, "rekeyed")) {
            assertThat(describe(keyed)).doesNotContain("repartition");
            assertThat(describe(rekeyed)).contains(SegstreamTopology.EVENTS_BY_USER);
        }
    }

    @Test
    void shouldAssignAsTheRepartitionedTopologyDoesOnTheSameInput() {
        List<ShopEvent> events = ShopperSimulator.withDefaults().simulate(300, 5).events();
        SegmentModel learned;
        try (TopologyHarness learning = harness(false, "learning", true)) {
            replay(learning, events);
            learned = learning.currentModel();
        }
        assertThat(learned.getVersion()).isGreaterThan(1);
        // the same model in both: with learning on, when a mini-batch is sent depends on when the
        // processor runs relative to the stream-time punctuation, which differs between a
        // deployment and the test driver (it runs a whole topology as one task)
        List<SegmentAssignment> keyedOut;
        List<SegmentAssignment> rekeyedOut;
        try (TopologyHarness keyed = harness(true, "keyed", false);
                TopologyHarness rekeyed = harness(false, "rekeyed", false)) {
            keyed.publish(learned);
            rekeyed.publish(learned);
            replay(keyed, events);
            replay(rekeyed, events);
            keyedOut = keyed.segments.readValuesToList();
            rekeyedOut = rekeyed.segments.readValuesToList();
            assertThat(keyed.dlqRecords()).isEmpty();
        }
        long moves = keyedOut.size() - 300;
        System.out.printf(
                "keyed input: %,d events, %,d assignments (%,d moves) under model v%d, equal to the"
                        + " repartitioned run's: %s%n",
                events.size(),
                keyedOut.size(),
                moves,
                learned.getVersion(),
                keyedOut.equals(rekeyedOut));
        assertThat(moves).isPositive();
        assertThat(keyedOut).isEqualTo(rekeyedOut);
    }

    @Test
    void shouldDeadLetterARecordWhoseKeyIsNotItsUserId() {
        try (TopologyHarness keyed = harness(true, "keyed")) {
            keyed.clicks.pipeInput(
                    "someone-else", view("u-1", T0, "Red retrospot mug", "Home/Kitchen", 2.55));
            keyed.clicks.pipeInput(
                    "u-2", view("u-2", T0, "Red retrospot mug", "Home/Kitchen", 2.55));
            List<TestRecord<byte[], byte[]>> dlq = keyed.dlqRecords();
            assertThat(dlq).hasSize(1);
            assertThat(
                            new String(
                                    dlq.get(0).headers().lastHeader("segstream.reason").value(),
                                    StandardCharsets.UTF_8))
                    .isEqualTo("KEY_NOT_USER_ID");
            assertThat(keyed.profiles().get("u-1")).isNull();
            assertThat(keyed.profiles().get("someone-else")).isNull();
            assertThat(keyed.profiles().get("u-2")).isNotNull();
        }
    }

    private TopologyHarness harness(boolean keyedByUser, String name) {
        return harness(keyedByUser, name, true);
    }

    private TopologyHarness harness(boolean keyedByUser, String name, boolean learning) {
        try {
            return new TopologyHarness(
                    encoder,
                    Files.createDirectories(stateDir.resolve(name)),
                    Map.of(
                            SegstreamConfig.INPUT_KEYED_BY_USER_CONFIG,
                            keyedByUser,
                            SegstreamConfig.LEARNING_ENABLED_CONFIG,
                            learning,
                            SegstreamConfig.SEGMENTS_K_CONFIG,
                            4,
                            SegstreamConfig.SEED_USERS_CONFIG,
                            100,
                            SegstreamConfig.FLUSH_RECORDS_CONFIG,
                            200,
                            SegstreamConfig.REFIT_EVERY_CONFIG,
                            3_000L,
                            SegstreamConfig.REFIT_SAMPLE_RATE_CONFIG,
                            0.5,
                            // the shoppers' 90 days end in 2025, after the harness's wall clock
                            SegstreamConfig.MAX_FUTURE_MS_CONFIG,
                            Duration.ofDays(10_000).toMillis()));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void replay(TopologyHarness h, List<ShopEvent> events) {
        int n = 0;
        for (ShopEvent e : events) {
            if (e.event() instanceof ClickEvent c) {
                h.clicks.pipeInput(e.userId(), c);
            } else {
                h.orders.pipeInput(e.userId(), (OrderEvent) e.event());
            }
            if (++n % 500 == 0) {
                h.driver.advanceWallClockTime(Duration.ofSeconds(1));
                h.feedBackModels();
            }
        }
        h.driver.advanceWallClockTime(Duration.ofSeconds(1));
    }

    private static String describe(TopologyHarness h) {
        return SegstreamTopology.buildTopology(
                        h.config,
                        new TopologyDeps(
                                encoder,
                                TopologyHarness.encoderInfo(encoder),
                                h.registry,
                                TopologyHarness.WALL_CLOCK::toEpochMilli))
                .describe()
                .toString();
    }
}
