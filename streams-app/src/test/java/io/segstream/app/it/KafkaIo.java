package io.segstream.app.it;

import io.segstream.schemas.AvroCodec;
import io.segstream.schemas.OrderEvent;
import io.segstream.schemas.SegmentAssignment;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Producing input and reading output topics of a real broker, for the integration tests; {@code
 * connection} is {@code EmbeddedKafkaCluster.clientProperties()}.
 */
final class KafkaIo {

    private static final AvroCodec<OrderEvent> ORDERS = AvroCodec.of(OrderEvent.class);
    private static final AvroCodec<SegmentAssignment> ASSIGNMENTS =
            AvroCodec.of(SegmentAssignment.class);

    private KafkaIo() {}

    static void produceOrders(
            Map<String, Object> connection, String topic, List<OrderEvent> orders) {
        try (var producer = producer(connection)) {
            for (OrderEvent o : orders) {
                producer.send(
                        new ProducerRecord<>(
                                topic,
                                null,
                                o.getEventTime().toEpochMilli(),
                                o.getUserId(),
                                ORDERS.encode(o)));
            }
            producer.flush();
        }
    }

    static void produceRaw(Map<String, Object> connection, String topic, String key, byte[] value) {
        try (var producer = producer(connection)) {
            producer.send(new ProducerRecord<>(topic, key, value));
            producer.flush();
        }
    }

    private static KafkaProducer<String, byte[]> producer(Map<String, Object> connection) {
        Properties p = new Properties();
        p.putAll(connection);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // strict order per partition: a user's events must arrive in the order they happened
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        return new KafkaProducer<>(p);
    }

    /**
     * Reads {@code topic} from the start (committed records only) until {@code done} holds or the
     * timeout.
     */
    static List<ConsumerRecord<String, byte[]>> readUntil(
            Map<String, Object> connection,
            String topic,
            Predicate<List<ConsumerRecord<String, byte[]>>> done,
            Duration timeout) {
        Properties p = new Properties();
        p.putAll(connection);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "it-reader-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        List<ConsumerRecord<String, byte[]>> records = new java.util.ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (var consumer = new KafkaConsumer<String, byte[]>(p)) {
            consumer.subscribe(List.of(topic));
            while (System.nanoTime() < deadline && !done.test(records)) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    /** The latest segment per user from the records of the segments topic (tombstones remove). */
    static Map<String, Integer> latestSegments(List<ConsumerRecord<String, byte[]>> records) {
        Map<String, Integer> latest = new HashMap<>();
        for (var r : records) {
            if (r.value() == null) {
                latest.remove(r.key());
            } else {
                latest.put(r.key(), ASSIGNMENTS.decode(r.value()).getSegmentId());
            }
        }
        return latest;
    }
}
