package io.segstream.app.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads topics from the beginning to their current end (committed records only), without a consumer
 * group offset: for the demo's report, the trainer and the model commands. {@code connection} is
 * the cluster and how to authenticate ({@link
 * io.segstream.app.config.SegstreamConfig#kafkaClientProperties()}).
 */
public final class TopicReader {

    private TopicReader() {}

    /** Every record of {@code topics} with a value, decoded, in offset order per partition. */
    public static <T> List<T> readAll(
            Map<String, Object> connection,
            List<String> topics,
            Function<ConsumerRecord<String, byte[]>, T> decode) {
        List<T> out = new ArrayList<>();
        forEach(
                connection,
                topics,
                r -> {
                    if (r.value() != null) {
                        out.add(decode.apply(r));
                    }
                });
        return out;
    }

    /**
     * Hands every record of {@code topics}, tombstones included, to {@code each} in offset order
     * per partition, without holding them: for readers that keep only what they need of a long
     * topic (e.g. the last value of each key of a changelog).
     */
    public static void forEach(
            Map<String, Object> connection,
            List<String> topics,
            Consumer<ConsumerRecord<String, byte[]>> each) {
        Properties p = new Properties();
        p.putAll(connection);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "segstream-reader-" + UUID.randomUUID());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : topics) {
                consumer.partitionsFor(topic, Duration.ofSeconds(30))
                        .forEach(i -> partitions.add(new TopicPartition(topic, i.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    each.accept(r);
                }
            }
        }
    }
}
