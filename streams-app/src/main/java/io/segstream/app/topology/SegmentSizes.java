package io.segstream.app.topology;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
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
 */
final class SegmentSizes {

    private static final String PREFIX = "size:";

    private final KeyValueStore<String, String> store;
    private final MeterRegistry registry;
    private final String task;
    private final Map<Integer, AtomicLong> sizes = new TreeMap<>();
    private final Map<Integer, Gauge> gauges = new TreeMap<>();

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

    /** A user left {@code from} (null: had none) for {@code to} (null: deleted). */
    void moved(Integer from, Integer to) {
        if (from != null) {
            add(from, -1);
        }
        if (to != null) {
            add(to, 1);
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

    private AtomicLong counter(int segment) {
        return sizes.computeIfAbsent(
                segment,
                s -> {
                    AtomicLong n = new AtomicLong();
                    gauges.put(
                            s,
                            Gauge.builder("segstream.segment.users", n, AtomicLong::get)
                                    .description(
                                            "Users in a segment among a stream task's users (sum"
                                                    + " over tasks: the segment's size)")
                                    .tag("segment", Integer.toString(s))
                                    .tag("task", task)
                                    .register(registry));
                    return n;
                });
    }

    /** A task that moved to another instance must not report here any more. */
    void close() {
        gauges.values().forEach(registry::remove);
    }
}
