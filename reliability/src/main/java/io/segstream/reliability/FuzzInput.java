package io.segstream.reliability;

import io.segstream.app.config.Topics;
import io.segstream.app.errors.InvalidEventException.Reason;
import io.segstream.schemas.AvroCodec;
import io.segstream.schemas.ClickEvent;
import io.segstream.schemas.ClickEventType;
import io.segstream.schemas.OrderEvent;
import io.segstream.schemas.OrderLine;
import io.segstream.schemas.OrderStatus;
import io.segstream.schemas.SegmentAssignment;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.IntFunction;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Hostile input at volume: more than 100,000 malformed records of every class, interleaved with the
 * recorded good events, and the dead-letter reason each class must get. Invalid but decodable
 * events belong to users {@code fuzz-N}, who must never get a profile.
 */
final class FuzzInput {

    /** One class of malformed record: how many, its expected reason, and how to make the n-th. */
    private record Kind(
            String name,
            int count,
            Reason reason,
            IntFunction<ProducerRecord<String, byte[]>> make) {}

    private static final AvroCodec<ClickEvent> CLICKS = AvroCodec.of(ClickEvent.class);
    private static final AvroCodec<OrderEvent> ORDERS = AvroCodec.of(OrderEvent.class);
    private static final AvroCodec<SegmentAssignment> ASSIGNMENTS =
            AvroCodec.of(SegmentAssignment.class);

    private final List<Kind> kinds;
    private final Random random;
    private final Instant now = Instant.now();

    FuzzInput(Topics topics, long seed) {
        this.random = new Random(seed);
        String clicks = topics.clicks();
        String orders = topics.orders();
        byte[] goodClick = CLICKS.encode(click("fuzz-0", now, "Red retrospot mug", 2.5));
        this.kinds =
                List.of(
                        new Kind(
                                "random bytes",
                                15_000,
                                Reason.UNDECODABLE,
                                n -> record(clicks, "fuzz-" + n, randomBytes(1 + n % 200))),
                        new Kind(
                                "truncated Avro",
                                15_000,
                                Reason.UNDECODABLE,
                                n ->
                                        record(
                                                clicks,
                                                "fuzz-" + n,
                                                Arrays.copyOf(
                                                        goodClick,
                                                        10 + n % (goodClick.length - 12)))),
                        new Kind(
                                "a valid header with garbage after it",
                                15_000,
                                Reason.UNDECODABLE,
                                n -> {
                                    // random after ten 0xFF bytes, an int no Avro decoder accepts:
                                    // random bytes alone could, rarely, decode into some event
                                    byte[] b = goodClick.clone();
                                    byte[] garbage = randomBytes(b.length - 10);
                                    Arrays.fill(
                                            garbage, 0, Math.min(10, garbage.length), (byte) -1);
                                    System.arraycopy(garbage, 0, b, 10, garbage.length);
                                    return record(clicks, "fuzz-" + n, b);
                                }),
                        new Kind(
                                "an unknown schema fingerprint",
                                15_000,
                                Reason.UNDECODABLE,
                                n -> {
                                    byte[] b = goodClick.clone();
                                    byte[] fingerprint = randomBytes(8);
                                    System.arraycopy(fingerprint, 0, b, 2, 8);
                                    return record(clicks, "fuzz-" + n, b);
                                }),
                        new Kind(
                                "another topic's schema (a segment assignment)",
                                10_000,
                                Reason.UNDECODABLE,
                                n ->
                                        record(
                                                orders,
                                                "fuzz-" + n,
                                                ASSIGNMENTS.encode(
                                                        SegmentAssignment.newBuilder()
                                                                .setUserId("fuzz-" + n)
                                                                .setSegmentId(1)
                                                                .setSegmentName(null)
                                                                .setDistance(0.5)
                                                                .setModelVersion(1)
                                                                .setEventTime(now)
                                                                .build()))),
                        new Kind(
                                "a null value",
                                10_000,
                                Reason.UNDECODABLE,
                                n -> record(n % 2 == 0 ? clicks : orders, "fuzz-" + n, null)),
                        new Kind(
                                "a price of 1e308",
                                5_000,
                                Reason.INVALID_PRICE,
                                n -> clickRecord(clicks, click("fuzz-" + n, now, "Mug", 1e308))),
                        new Kind(
                                "a NaN price",
                                5_000,
                                Reason.INVALID_PRICE,
                                n ->
                                        clickRecord(
                                                clicks,
                                                click("fuzz-" + n, now, "Mug", Double.NaN))),
                        new Kind(
                                "a negative price",
                                5_000,
                                Reason.INVALID_PRICE,
                                n -> clickRecord(clicks, click("fuzz-" + n, now, "Mug", -3.5))),
                        new Kind(
                                "an event time in 1970",
                                5_000,
                                Reason.PAST_EVENT_TIME,
                                n ->
                                        clickRecord(
                                                clicks,
                                                click(
                                                        "fuzz-" + n,
                                                        Instant.ofEpochMilli(n),
                                                        "Mug",
                                                        1.0))),
                        new Kind(
                                "an event time in 2100",
                                5_000,
                                Reason.FUTURE_EVENT_TIME,
                                n ->
                                        clickRecord(
                                                clicks,
                                                click(
                                                        "fuzz-" + n,
                                                        Instant.parse("2100-01-01T00:00:00Z"),
                                                        "Mug",
                                                        1.0))),
                        new Kind(
                                "an order with 10,000 lines",
                                50,
                                Reason.TOO_MANY_LINES,
                                n -> {
                                    List<OrderLine> lines = new ArrayList<>();
                                    for (int i = 0; i < 10_000; i++) {
                                        lines.add(
                                                OrderLine.newBuilder()
                                                        .setProductId("p" + i)
                                                        .setTitle("Mug " + i)
                                                        .setCategory("Home")
                                                        .setQuantity(1)
                                                        .setUnitPrice(1.0)
                                                        .build());
                                    }
                                    OrderEvent o =
                                            OrderEvent.newBuilder()
                                                    .setOrderId("fuzz-order-" + n)
                                                    .setUserId("fuzz-" + n)
                                                    .setEventTime(now)
                                                    .setStatus(OrderStatus.PLACED)
                                                    .setCountry("GB")
                                                    .setLines(lines)
                                                    .build();
                                    return record(orders, "fuzz-" + n, ORDERS.encode(o));
                                }),
                        new Kind(
                                "a title of 900 KB",
                                20,
                                Reason.TEXT_TOO_LONG,
                                n ->
                                        clickRecord(
                                                clicks,
                                                click(
                                                        "fuzz-" + n,
                                                        now,
                                                        "x".repeat(900_000),
                                                        1.0))));
    }

    /** Malformed records in all, and by the reason each must be dead-lettered with. */
    long total() {
        return kinds.stream().mapToLong(Kind::count).sum();
    }

    Map<Reason, Long> expectedReasons() {
        Map<Reason, Long> out = new EnumMap<>(Reason.class);
        kinds.forEach(k -> out.merge(k.reason(), (long) k.count(), Long::sum));
        return out;
    }

    List<String> classes() {
        return kinds.stream().map(k -> k.name() + " x" + k.count()).toList();
    }

    /** Every malformed record, shuffled, made on demand (the large ones are big). */
    List<IntFunction<ProducerRecord<String, byte[]>>> shuffled() {
        List<int[]> order = new ArrayList<>();
        for (int k = 0; k < kinds.size(); k++) {
            for (int n = 0; n < kinds.get(k).count(); n++) {
                order.add(new int[] {k, n});
            }
        }
        Collections.shuffle(order, random);
        List<IntFunction<ProducerRecord<String, byte[]>>> out = new ArrayList<>();
        for (int[] kn : order) {
            Kind kind = kinds.get(kn[0]);
            int n = kn[1];
            out.add(ignored -> kind.make().apply(n));
        }
        return out;
    }

    /** A good event sent with no key: valid, since the app re-keys by the user id in the value. */
    static boolean sendWithoutKey(String userId) {
        return Math.floorMod(userId.hashCode(), 10) == 7;
    }

    private byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static ProducerRecord<String, byte[]> record(String topic, String key, byte[] value) {
        return new ProducerRecord<>(topic, key, value);
    }

    private static ProducerRecord<String, byte[]> clickRecord(String topic, ClickEvent c) {
        return new ProducerRecord<>(topic, c.getUserId(), CLICKS.encode(c));
    }

    private static ClickEvent click(String user, Instant time, String title, double price) {
        return ClickEvent.newBuilder()
                .setEventType(ClickEventType.VIEW)
                .setUserId(user)
                .setSessionId(null)
                .setEventTime(time)
                .setProductId("p1")
                .setTitle(title)
                .setCategory("Home")
                .setPrice(price)
                .setQueryText(null)
                .setCurrency(null)
                .setEventId(null)
                .build();
    }
}
