package io.segstream.app.runtime;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.segstream.app.config.SegstreamConfig;
import io.segstream.core.head.HeadFile;
import io.segstream.core.head.ReviewScorer;
import io.segstream.schemas.HeadModel;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the heads topic from its beginning on its own thread and offers every head to the review
 * scorer, which takes the later versions of the name it follows: a head trained and published while
 * the app runs judges the next review, without a restart. A head the scorer refuses (another
 * encoder) is logged and counted, and the current one stays.
 */
final class HeadWatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HeadWatcher.class);

    private final KafkaConsumer<String, byte[]> consumer;
    private final ReviewScorer scorer;
    private final Counter refused;
    private final Thread thread;
    private volatile boolean running = true;

    HeadWatcher(SegstreamConfig config, ReviewScorer scorer, MeterRegistry registry) {
        Properties p = new Properties();
        p.putAll(config.kafkaClientProperties());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        this.consumer = new KafkaConsumer<>(p);
        this.scorer = scorer;
        this.refused =
                Counter.builder("segstream.review.heads.refused")
                        .description("Review heads on the heads topic that this app refused")
                        .register(registry);
        TopicPartition heads = new TopicPartition(config.topics().heads(), 0);
        consumer.assign(List.of(heads));
        consumer.seekToBeginning(List.of(heads));
        this.thread = new Thread(this::run, "segstream-head-watcher");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    private void run() {
        try {
            while (running) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofSeconds(1))) {
                    offer(r);
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            // the stream goes on with the head it has; only live updates stop
            LOG.error(
                    "The heads topic cannot be read any more; new head versions are not picked up",
                    e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void offer(ConsumerRecord<String, byte[]> r) {
        if (r.value() == null) {
            return;
        }
        try {
            HeadModel head = HeadFile.decode(r.value());
            if (scorer.offer(head)) {
                LOG.info(
                        "Review head '{}' v{} from {} now judges reviews",
                        head.getName(),
                        head.getVersion(),
                        r.topic());
            }
        } catch (RuntimeException e) {
            refused.increment();
            LOG.error(
                    "Refusing the head at {}-{}@{}: {}",
                    r.topic(),
                    r.partition(),
                    r.offset(),
                    e.getMessage());
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
