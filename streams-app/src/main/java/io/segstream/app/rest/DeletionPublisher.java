package io.segstream.app.rest;

import io.segstream.app.config.SegstreamConfig;
import io.segstream.app.serde.RecordFormat;
import io.segstream.schemas.DeletionRequest;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes right-to-be-forgotten requests to the deletions topic, which the app consumes like its
 * other inputs: keyed by user id with the default partitioner, as {@code input.keyed.by.user}
 * requires, and in Avro single-object encoding. One producer for the life of the REST server.
 */
final class DeletionPublisher implements AutoCloseable {

    private final RecordFormat format;
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(10);
    private static final String PRODUCER_PREFIX = "producer.";

    private final String topic;
    private final KafkaProducer<String, byte[]> producer;

    DeletionPublisher(SegstreamConfig config) {
        this.format = RecordFormat.of(config);
        this.topic = config.topics().deletions();
        this.producer = new KafkaProducer<>(producerProperties(config));
    }

    /**
     * Sends a request and waits until the broker has it, so that 202 means it will be applied.
     *
     * @throws DeletionFailedException when the broker did not acknowledge it in time
     */
    DeletionRequest publish(String user, String reason) throws InterruptedException {
        DeletionRequest request =
                new DeletionRequest(
                        UUID.randomUUID().toString(),
                        user,
                        // the topic keeps milliseconds: answer with the time it will carry
                        Instant.now().truncatedTo(ChronoUnit.MILLIS),
                        reason);
        try {
            producer.send(
                            new ProducerRecord<>(
                                    topic,
                                    null,
                                    request.getRequestTime().toEpochMilli(),
                                    user,
                                    format.encode(topic, request)))
                    .get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new DeletionFailedException(
                    "the deletion request was not acknowledged by Kafka (topic "
                            + topic
                            + "): "
                            + (e.getCause() == null ? e : e.getCause()).getMessage(),
                    e);
        }
        return request;
    }

    String topic() {
        return topic;
    }

    /**
     * The app's brokers and client settings ({@code kafka.*}: security, SASL, TLS, and {@code
     * kafka.producer.*}), durable and idempotent, and short on timeouts since a caller waits.
     */
    private static Properties producerProperties(SegstreamConfig config) {
        Properties p = new Properties();
        Map<String, Object> kafka = config.originalsWithPrefix("kafka.");
        kafka.forEach(
                (k, v) -> {
                    if (ProducerConfig.configNames().contains(k)) {
                        p.put(k, v);
                    }
                });
        kafka.forEach(
                (k, v) -> {
                    if (k.startsWith(PRODUCER_PREFIX)) {
                        p.put(k.substring(PRODUCER_PREFIX.length()), v);
                    }
                });
        p.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
        p.putAll(config.kafkaClientProperties());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "segstream-rest-deletions");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) SEND_TIMEOUT.toMillis());
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) SEND_TIMEOUT.toMillis());
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) SEND_TIMEOUT.toMillis());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return p;
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
