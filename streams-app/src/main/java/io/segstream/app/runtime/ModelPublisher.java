package io.segstream.app.runtime;

import io.segstream.app.config.SegstreamConfig;
import io.segstream.app.topology.ModelStoreUpdater;
import io.segstream.core.head.HeadFile;
import io.segstream.schemas.AvroCodec;
import io.segstream.schemas.HeadModel;
import io.segstream.schemas.ModelOrigin;
import io.segstream.schemas.SegmentModel;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Lists and publishes model versions on the {@code segment-model} topic, where every running
 * instance picks them up live (a new major version makes them re-score their users), and review
 * heads on the {@code heads} topic.
 */
public final class ModelPublisher {

    private static final AvroCodec<SegmentModel> CODEC = AvroCodec.of(SegmentModel.class);

    private ModelPublisher() {}

    /** Every model version on the topic, oldest first (online versions: only the latest). */
    public static List<SegmentModel> list(SegstreamConfig config) {
        TopicAdmin.ensureTopics(config);
        return TopicReader.readAll(
                        config.kafkaClientProperties(),
                        List.of(config.topics().segmentModel()),
                        r -> CODEC.decode(r.value()))
                .stream()
                .sorted(Comparator.comparingLong(SegmentModel::getVersion))
                .toList();
    }

    /**
     * Publishes {@code model} as the newest version: renumbered above every version on the topic,
     * as a new major version, with the newest as its parent. Returns what was published.
     */
    public static SegmentModel publish(SegstreamConfig config, SegmentModel model)
            throws InterruptedException, ExecutionException {
        List<SegmentModel> existing = list(config);
        SegmentModel newest = existing.isEmpty() ? null : existing.get(existing.size() - 1);
        int highestMajor =
                existing.stream().mapToInt(SegmentModel::getMajorVersion).max().orElse(0);
        SegmentModel out = CODEC.decode(CODEC.encode(model)); // a copy to renumber
        if (newest != null) {
            out.setVersion(Math.max(model.getVersion(), newest.getVersion() + 1));
            out.setParentVersion(newest.getVersion());
            out.setMajorVersion(Math.max(model.getMajorVersion(), highestMajor + 1));
        }
        send(config, out);
        return out;
    }

    /** Republishes version {@code version} as a new version with origin ROLLBACK. */
    public static SegmentModel rollback(SegstreamConfig config, long version)
            throws InterruptedException, ExecutionException {
        List<SegmentModel> existing = list(config);
        SegmentModel target =
                existing.stream()
                        .filter(m -> m.getVersion() == version)
                        .findFirst()
                        .orElseThrow(
                                () ->
                                        new IllegalArgumentException(
                                                "No model v"
                                                        + version
                                                        + " on "
                                                        + config.topics().segmentModel()
                                                        + "; `segstream model list` shows the versions there"));
        SegmentModel copy = CODEC.decode(CODEC.encode(target));
        copy.setOrigin(ModelOrigin.ROLLBACK);
        copy.getProvenance().getNotes().put("rollbackOf", "v" + version);
        return publish(config, copy);
    }

    /**
     * Publishes a review head on the heads topic, keyed by its name: running apps that follow the
     * name take it (reviews.head.name).
     */
    public static void publishHead(SegstreamConfig config, HeadModel head)
            throws InterruptedException, ExecutionException {
        TopicAdmin.ensureTopics(config);
        send(config, config.topics().heads(), head.getName(), HeadFile.encode(head));
    }

    private static void send(SegstreamConfig config, SegmentModel model)
            throws InterruptedException, ExecutionException {
        send(
                config,
                config.topics().segmentModel(),
                ModelStoreUpdater.versionKey(model.getVersion()),
                CODEC.encode(model));
    }

    private static void send(SegstreamConfig config, String topic, String key, byte[] value)
            throws InterruptedException, ExecutionException {
        Properties p = new Properties();
        p.putAll(config.kafkaClientProperties());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p)) {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        }
    }
}
