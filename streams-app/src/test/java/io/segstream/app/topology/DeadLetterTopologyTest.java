package io.segstream.app.topology;

import static io.segstream.app.topology.TopologyHarness.T0;
import static io.segstream.app.topology.TopologyHarness.WALL_CLOCK;
import static io.segstream.app.topology.TopologyHarness.line;
import static io.segstream.app.topology.TopologyHarness.order;
import static io.segstream.app.topology.TopologyHarness.view;
import static org.assertj.core.api.Assertions.assertThat;

import io.segstream.app.config.SegstreamConfig;
import io.segstream.app.errors.InvalidEventException.Reason;
import io.segstream.app.serde.AvroSerde;
import io.segstream.core.encoder.CachingTextEncoder;
import io.segstream.core.encoder.EncoderConfig;
import io.segstream.core.profile.UserProfile;
import io.segstream.schemas.ClickEvent;
import io.segstream.schemas.OrderEvent;
import io.segstream.schemas.OrderLine;
import io.segstream.schemas.ReviewAlert;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kind of bad input goes to the dead-letter topic with its original bytes and headers naming
 * where it came from and why, and the app carries on with the next record.
 */
class DeadLetterTopologyTest {

    private static final AvroSerde<ClickEvent> CLICKS = AvroSerde.of(ClickEvent.class);
    private static final AvroSerde<OrderEvent> ORDERS = AvroSerde.of(OrderEvent.class);

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

    static Stream<Arguments> badRecords() {
        return Stream.of(
                Arguments.of(
                        "bytes that are not Avro",
                        true,
                        "{\"userId\":\"u-1\",\"eventType\":\"VIEW\"}"
                                .getBytes(StandardCharsets.UTF_8),
                        Reason.UNDECODABLE,
                        "not Avro single-object encoded"),
                Arguments.of(
                        "a single-object header with an unknown fingerprint",
                        true,
                        unknownSchema(),
                        Reason.UNDECODABLE,
                        "is unknown"),
                Arguments.of(
                        "an empty user id",
                        true,
                        clickBytes(view("", T0, "Red retrospot mug", "Home/Kitchen", 2.5)),
                        Reason.MISSING_USER_ID,
                        "no user id"),
                Arguments.of(
                        "a NaN price",
                        true,
                        clickBytes(
                                view("u-bad", T0, "Red retrospot mug", "Home/Kitchen", Double.NaN)),
                        Reason.INVALID_PRICE,
                        "NaN"),
                Arguments.of(
                        "an infinite unit price",
                        false,
                        orderBytes(order("u-bad", T0, line("Jumbo bag red retrospot", 2, 1.0 / 0))),
                        Reason.INVALID_PRICE,
                        "Infinity"),
                Arguments.of(
                        "a negative price",
                        true,
                        clickBytes(view("u-bad", T0, "Red retrospot mug", "Home/Kitchen", -1.25)),
                        Reason.INVALID_PRICE,
                        "-1.25"),
                Arguments.of(
                        "a price of 1e308 (infinite as the profile's float32 spend)",
                        true,
                        clickBytes(view("u-bad", T0, "Red retrospot mug", "Home/Kitchen", 1e308)),
                        Reason.INVALID_PRICE,
                        "over the limit"),
                Arguments.of(
                        "an order of 2,000 lines (the limit is 1,000)",
                        false,
                        orderBytes(
                                order(
                                        "u-bad",
                                        T0,
                                        java.util.stream.IntStream.range(0, 2_000)
                                                .mapToObj(i -> line("Mug " + i, 1, 1.0))
                                                .toArray(OrderLine[]::new))),
                        Reason.TOO_MANY_LINES,
                        "2000 lines"),
                Arguments.of(
                        "an event time of 1970 (an unset timestamp)",
                        true,
                        clickBytes(
                                view(
                                        "u-bad",
                                        java.time.Instant.ofEpochMilli(0),
                                        "Red retrospot mug",
                                        "Home/Kitchen",
                                        2.5)),
                        Reason.PAST_EVENT_TIME,
                        "is before 2000-01-01"),
                Arguments.of(
                        "a zero quantity",
                        false,
                        orderBytes(
                                order(
                                        "u-bad",
                                        T0,
                                        line("Jumbo bag red retrospot", 1, 1.95),
                                        line("Lunch bag pink polkadot", 0, 1.65))),
                        Reason.INVALID_QUANTITY,
                        "quantity 0"),
                Arguments.of(
                        "an event time beyond the wall clock plus the allowed skew",
                        true,
                        clickBytes(
                                view(
                                        "u-bad",
                                        WALL_CLOCK.plus(Duration.ofDays(1)).plusSeconds(1),
                                        "Red retrospot mug",
                                        "Home/Kitchen",
                                        2.5)),
                        Reason.FUTURE_EVENT_TIME,
                        "in the future"),
                Arguments.of(
                        "a title over the text limit",
                        true,
                        clickBytes(
                                view(
                                        "u-bad",
                                        T0,
                                        "x".repeat(TopologyHarness.MAX_TEXT_CHARS + 1),
                                        "Home/Kitchen",
                                        2.5)),
                        Reason.TEXT_TOO_LONG,
                        "over the limit"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRecords")
    void shouldDeadLetterTheOriginalBytesWithHeadersAndCarryOn(
            String what, boolean isClick, byte[] payload, Reason reason, String message) {
        // Records that do not decode are dead-lettered while the driver enqueues them, inside an
        // open transaction under exactly-once; the 4.4 driver's MockProducer.clear() drops such
        // sends before the next commit (a real producer commits them with the next record). So
        // those cases run at-least-once; the records that fail validation run exactly-once.
        Map<String, Object> guarantee =
                reason == Reason.UNDECODABLE
                        ? Map.of(SegstreamConfig.PROCESSING_GUARANTEE_CONFIG, "at_least_once")
                        : Map.of();
        try (TopologyHarness h = new TopologyHarness(encoder, stateDir, guarantee)) {
            String topic = isClick ? h.topics.clicks() : h.topics.orders();
            // one good record first, so the bad one sits at offset 1 of its topic
            if (isClick) {
                h.clicks.pipeInput("first", view("first", T0, "Red mug", "Home/Kitchen", 2.5));
                h.rawClicks.pipeInput("the-key", payload, T0);
            } else {
                h.orders.pipeInput("first", order("first", T0, line("Red mug", 1, 2.5)));
                h.rawOrders.pipeInput("the-key", payload, T0);
            }
            h.clicks.pipeInput(
                    "after",
                    view("after", T0.plusSeconds(60), "Blue polkadot bowl", "Home/Kitchen", 1.25));

            List<TestRecord<byte[], byte[]>> dead = h.dlqRecords();
            assertThat(dead).as("dead letters for %s", what).hasSize(1);
            TestRecord<byte[], byte[]> letter = dead.get(0);
            assertThat(letter.value()).isEqualTo(payload);
            assertThat(letter.key()).isEqualTo("the-key".getBytes(StandardCharsets.UTF_8));
            assertThat(header(letter, "segstream.source.topic")).isEqualTo(topic);
            assertThat(header(letter, "segstream.source.partition")).isEqualTo("0");
            assertThat(header(letter, "segstream.source.offset")).isEqualTo("1");
            assertThat(header(letter, "segstream.reason")).isEqualTo(reason.name());
            assertThat(header(letter, "segstream.error")).contains(message);

            UserProfile after = h.profiles().get("after");
            assertThat(after).as("the record after the bad one is processed").isNotNull();
            assertThat(after.views()).isEqualTo(1.0f);
            assertThat(h.profiles().get("u-bad")).isNull();
            assertThat(h.profiles().get("")).isNull();
            assertThat(
                            h.registry
                                    .get("segstream.dlq.records")
                                    .tag("reason", reason.name())
                                    .counter()
                                    .count())
                    .isEqualTo(1.0);
        }
    }

    @Test
    void shouldDeadLetterBadReviewsAndJudgeGoodOnesByTheirStars() {
        try (TopologyHarness h = new TopologyHarness(encoder, stateDir, Map.of())) {
            h.reviews.pipeInput(
                    "u-happy", TopologyHarness.review("u-happy", T0, "Lovely", "Fits well.", 5));
            h.reviews.pipeInput(
                    "u-sad",
                    TopologyHarness.review("u-sad", T0, "Broke", "Fell apart in a week.", 1));
            h.reviews.pipeInput(
                    "u-bad", TopologyHarness.review("u-bad", T0, "Odd", "Seven stars!", 7));
            h.reviews.pipeInput(
                    "u-bad",
                    TopologyHarness.review(
                            "u-bad", T0, null, "x".repeat(TopologyHarness.MAX_TEXT_CHARS + 1), 4));
            h.reviews.pipeInput("u-bad", TopologyHarness.review("u-bad", T0, " ", " ", 3));

            assertThat(h.dlqRecords().stream().map(r -> header(r, "segstream.reason")).toList())
                    .containsExactly("INVALID_REVIEW", "TEXT_TOO_LONG", "INVALID_REVIEW");
            assertThat(h.profiles().get("u-bad")).isNull();
            UserProfile happy = h.profiles().get("u-happy");
            assertThat(happy.reviews()).isEqualTo(1f);
            assertThat(happy.negativeReviews()).isZero();
            assertThat(happy.meanReviewNegativity()).isZero();
            UserProfile sad = h.profiles().get("u-sad");
            assertThat(sad.negativeReviews()).isEqualTo(1f);
            assertThat(sad.meanReviewNegativity()).isEqualTo(1.0);
            // without a head, the stars judge, and one unhappy review puts its writer at risk
            List<ReviewAlert> alerts = h.alerts.readValuesToList();
            assertThat(alerts).hasSize(1);
            assertThat(alerts.get(0).getUserId()).isEqualTo("u-sad");
            assertThat(alerts.get(0).getJudgedBy()).isEqualTo("rating");
        }
    }

    private static String header(TestRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        assertThat(header).as("header %s", name).isNotNull();
        return new String(header.value(), StandardCharsets.UTF_8);
    }

    private static byte[] clickBytes(ClickEvent event) {
        return CLICKS.serializer().serialize("t", event);
    }

    private static byte[] orderBytes(OrderEvent event) {
        return ORDERS.serializer().serialize("t", event);
    }

    /** A valid single-object header (0xC3 0x01 + fingerprint) whose fingerprint no one knows. */
    private static byte[] unknownSchema() {
        ByteBuffer b = ByteBuffer.allocate(2 + 8 + 6).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0xC3).put((byte) 0x01).putLong(0x0123456789ABCDEFL);
        b.put(new byte[] {2, 'u', 4, 1, 2, 3});
        return b.array();
    }
}
