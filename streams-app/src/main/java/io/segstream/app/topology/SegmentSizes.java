package io.segstream.app.topology;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * How many of a task's users each segment holds, kept as users move rather than counted, so that
 * knowing a segment's size never costs a pass over the users. The counts live in the task's small
 * logged state store, so they move with the task and survive a restart; the gauge {@code
 * segstream.segment.users} (tags {@code segment}, {@code task}) sums to the segment's size across
 * instances.
 *
 * <p>Users assigned before this count existed are not in it until they next change segment.
 *
 * <p>It also counts each segment's membership changes over the last 24 hours of event time, the
 * numerator of mParticle's audience volatility: a user moving from A to B is a drop for A and an
 * add for B, an erasure is a drop. A first assignment is a new customer, not a segment that flaps,
 * and is left out. The counts sit in 24 hourly buckets in memory (a task that moves starts them
 * afresh); the gauge {@code segstream.segment.moves.24h} sums across tasks like the sizes, so
 * {@code sum by (segment) (moves) / sum by (segment) (users)} is a segment's volatility.
 */
final class SegmentSizes {

    private static final String PREFIX = "size:";
    private static final long HOUR_MS = 3_600_000L;

    private final KeyValueStore<String, String> store;
    private final MeterRegistry registry;
    private final String task;
    private final Map<Integer, AtomicLong> sizes = new TreeMap<>();
    private final List<Gauge> gauges = new ArrayList<>();
    private final Map<Integer, HourlyMoves> moves = new TreeMap<>();
    private long latestHour = Long.MIN_VALUE;

    SegmentSizes(KeyValueStore<String, String> store, MeterRegistry registry, String task) {
        this.store = store;
        this.registry = registry;
        this.task = task;
        try (KeyValueIterator<String, String> it =
                store.prefixScan(PREFIX, new StringSerializer())) {
            it.forEachRemaining(
                    kv ->
                            counter(Integer.parseInt(kv.key.substring(PREFIX.length())))
                                    .set(Long.parseLong(kv.value)));
        }
    }

    /**
     * A user left {@code from} (null: had none) for {@code to} (null: deleted) at {@code
     * eventTime}.
     */
    void moved(Integer from, Integer to, long eventTime) {
        if (from != null) {
            add(from, -1);
        }
        if (to != null) {
            add(to, 1);
            moves(to); // the gauge reads 0 from a segment's first member, not "no data"
        }
        if (from != null && !from.equals(to)) {
            long hour = Math.floorDiv(eventTime, HOUR_MS);
            latestHour = Math.max(latestHour, hour);
            moves(from).count(hour);
            if (to != null) {
                moves(to).count(hour);
            }
            // the gauges read these from a scrape thread; a later hour ages every segment's count
            moves.values().forEach(m -> m.lastDay.set(m.sum(latestHour)));
        }
    }

    long size(int segment) {
        AtomicLong n = sizes.get(segment);
        return n == null ? 0 : n.get();
    }

    private void add(int segment, long delta) {
        long n = counter(segment).addAndGet(delta);
        store.put(PREFIX + segment, Long.toString(n));
    }

    private HourlyMoves moves(int segment) {
        return moves.computeIfAbsent(
                segment,
                s -> {
                    HourlyMoves m = new HourlyMoves();
                    gauge(
                            "segstream.segment.moves.24h",
                            "Adds and drops of a segment among a stream task's users over the last"
                                    + " 24 h of event time (first assignments left out; divided by"
                                    + " segstream.segment.users: its volatility)",
                            s,
                            m.lastDay);
                    return m;
                });
    }

    /** Moves per hour of event time in a ring of 24 buckets, each knowing its hour. */
    private static final class HourlyMoves {
        private final long[] hours = new long[24];
        private final long[] counts = new long[24];
        private final AtomicLong lastDay = new AtomicLong();

        HourlyMoves() {
            Arrays.fill(hours, Long.MIN_VALUE);
        }

        void count(long hour) {
            int slot = (int) Math.floorMod(hour, 24L);
            if (hours[slot] != hour) {
                if (hours[slot] > hour) {
                    return; // older than the window the slot now holds
                }
                hours[slot] = hour;
                counts[slot] = 0;
            }
            counts[slot]++;
        }

        long sum(long latestHour) {
            long sum = 0;
            for (int i = 0; i < 24; i++) {
                if (hours[i] > latestHour - 24 && hours[i] <= latestHour) {
                    sum += counts[i];
                }
            }
            return sum;
        }
    }

    private AtomicLong counter(int segment) {
        return sizes.computeIfAbsent(
                segment,
                s -> {
                    AtomicLong n = new AtomicLong();
                    gauge(
                            "segstream.segment.users",
                            "Users in a segment among a stream task's users (sum over tasks: the"
                                    + " segment's size)",
                            s,
                            n);
                    return n;
                });
    }

    private void gauge(String name, String description, int segment, AtomicLong value) {
        gauges.add(
                Gauge.builder(name, value, AtomicLong::get)
                        .description(description)
                        .tag("segment", Integer.toString(segment))
                        .tag("task", task)
                        .register(registry));
    }

    /** A task that moved to another instance must not report here any more. */
    void close() {
        gauges.forEach(registry::remove);
    }
}
