package io.segstream.reliability;

import io.segstream.app.config.SegstreamConfig;
import io.segstream.app.runtime.InputRecords;
import io.segstream.core.dataset.ShopEvent;
import io.segstream.core.dataset.ShopperSimulator;
import io.segstream.core.profile.EventDigest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;

/**
 * The suite's fixed input: the built-in generator's shoppers for a seed, the same events in the
 * same order for every scenario, and what each user's profile must hold once every event is applied
 * exactly once (the count and the sum of {@link EventDigest}s).
 */
final class RecordedInput {

    /** What one user's profile must end with. */
    record Expected(long events, long digest) {}

    private final List<ShopEvent> events;
    private final Map<String, Expected> expected;

    private RecordedInput(List<ShopEvent> events) {
        this.events = events;
        Map<String, Expected> e = new HashMap<>();
        for (ShopEvent event : events) {
            long digest = EventDigest.of(event.event());
            e.merge(
                    event.userId(),
                    new Expected(1, digest),
                    (a, b) -> new Expected(a.events() + 1, a.digest() + b.digest()));
        }
        this.expected = Map.copyOf(e);
    }

    static RecordedInput generate(int users, long seed) {
        return new RecordedInput(ShopperSimulator.withDefaults().simulate(users, seed).events());
    }

    List<ShopEvent> events() {
        return events;
    }

    Map<String, Expected> expected() {
        return expected;
    }

    /** The first {@code n} users to appear in the input: the first to be servable. */
    List<String> earlyUsers(int n) {
        return events.stream().map(ShopEvent::userId).distinct().limit(n).toList();
    }

    /**
     * Produces every event to the input topics at about {@code rate} events/s, keyed by user and
     * stamped with its event time, through an idempotent producer that rides out a broker outage
     * (so the input itself holds no duplicates); {@code produced} counts what was acknowledged.
     */
    void produce(String bootstrapServers, SegstreamConfig config, double rate, AtomicLong produced)
            throws InterruptedException {
        produce(bootstrapServers, config, rate, produced, null);
    }

    /**
     * As {@link #produce(String, SegstreamConfig, double, AtomicLong)}, with {@code fuzz}'s
     * malformed records (when not null) spread evenly between the good events, and one user in ten
     * sending every event without a key, to a partition that is not the user's: the app must re-key
     * them. All of such a user's events take the same partition, so their order, and the result,
     * stays fixed; keyless events scattered over partitions would reach the user's task in an order
     * that depends on timing.
     */
    void produce(
            String bootstrapServers,
            SegstreamConfig config,
            double rate,
            AtomicLong produced,
            FuzzInput fuzz)
            throws InterruptedException {
        List<IntFunction<ProducerRecord<String, byte[]>>> malformed =
                fuzz == null ? List.of() : fuzz.shuffled();
        int sentMalformed = 0;
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 600_000);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        // one batch in flight per partition: a burst into topics whose leaders were elected a
        // moment ago left batches retrying OUT_OF_ORDER_SEQUENCE_NUMBER until delivery timed out
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 1_000_000);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        InputRecords records = new InputRecords(config);
        long start = System.nanoTime();
        AtomicLong failed = new AtomicLong();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p)) {
            for (int i = 0; i < events.size(); i++) {
                ShopEvent e = events.get(i);
                long due = start + (long) (i / rate * 1e9);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                long malformedDue = (long) (i + 1) * malformed.size() / events.size();
                for (; sentMalformed < malformedDue; sentMalformed++) {
                    producer.send(
                            malformed.get(sentMalformed).apply(sentMalformed),
                            (m, ex) -> {
                                if (ex != null) {
                                    failed.incrementAndGet();
                                }
                            });
                }
                // the record `segstream produce` writes; keyless users' go to a foreign partition
                ProducerRecord<String, byte[]> record = records.of(e);
                if (fuzz != null && FuzzInput.sendWithoutKey(e.userId())) {
                    record =
                            new ProducerRecord<>(
                                    record.topic(),
                                    foreignPartition(
                                            e.userId(),
                                            producer.partitionsFor(record.topic()).size()),
                                    record.timestamp(),
                                    null,
                                    record.value());
                }
                producer.send(
                        record,
                        (m, ex) -> {
                            if (ex == null) {
                                produced.incrementAndGet();
                            } else {
                                failed.incrementAndGet();
                            }
                        });
            }
            producer.flush();
        }
        if (failed.get() > 0) {
            throw new IllegalStateException(
                    failed.get() + " input events could not be produced; the run is not valid");
        }
    }

    /** The partition after the one the default partitioner gives the user's key. */
    private static int foreignPartition(String userId, int partitions) {
        byte[] key = userId.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return (Utils.toPositive(Utils.murmur2(key)) + 1) % partitions;
    }
}
