package io.segstream.bench;

import io.segstream.app.config.SegstreamConfig;
import io.segstream.app.embedded.EmbeddedKafkaCluster;
import io.segstream.app.runtime.ConsumerProgress;
import io.segstream.app.runtime.SegstreamApp;
import io.segstream.app.runtime.TopicAdmin;
import io.segstream.core.dataset.OnlineRetail;
import io.segstream.core.profile.ProfileCodec;
import io.segstream.core.profile.UserProfile;
import io.segstream.schemas.AvroCodec;
import io.segstream.schemas.OrderEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.state.QueryableStoreTypes;

/**
 * End-to-end events per second on the embedded broker: the whole segstream app against a plain
 * Kafka Streams count of the same orders by user (same broker, partitions, exactly-once and commit
 * interval), both timed from a pre-loaded input topic until every input offset is committed. Also
 * reports the bytes per stored profile. Run: {@code bench/run-e2e [orders]}.
 */
public final class EndToEndBenchmark {

    private EndToEndBenchmark() {}

    public static void main(String[] args) throws Exception {
        int limit = args.length > 0 ? Integer.parseInt(args[0]) : Integer.MAX_VALUE;
        Path csv =
                Path.of(
                        System.getenv().getOrDefault("SEGSTREAM_DATA_DIR", "../shared/data"),
                        "online_retail",
                        "online_retail_dev.csv.gz");
        List<OrderEvent> orders = OnlineRetail.read(csv).orders();
        orders = orders.subList(0, Math.min(limit, orders.size()));
        long users = orders.stream().map(OrderEvent::getUserId).distinct().count();
        System.out.printf(
                "input: %d orders of %d customers (Online Retail dev slice)%n",
                orders.size(), users);
        Path state = Files.createTempDirectory("segstream-e2e");
        try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.start()) {
            double count = runCount(kafka, orders, state);
            double app = runSegstream(kafka, orders, state);
            System.out.printf(
                    "%nresult: plain count %.0f events/s, segstream %.0f events/s (%.2fx of the count)%n",
                    count, app, app / count);
        }
    }

    private static Map<String, Object> common(
            EmbeddedKafkaCluster kafka, String prefix, Path state) {
        Map<String, Object> s = new HashMap<>();
        s.put(SegstreamConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        s.put(SegstreamConfig.APPLICATION_ID_CONFIG, prefix + "app");
        s.put(SegstreamConfig.TOPIC_PREFIX_CONFIG, prefix);
        s.put(SegstreamConfig.STATE_DIR_CONFIG, state.resolve(prefix).toString());
        s.put(SegstreamConfig.REPLICATION_FACTOR_CONFIG, "1");
        s.put(SegstreamConfig.INPUT_PARTITIONS_CONFIG, "4");
        s.put(SegstreamConfig.REST_PORT_CONFIG, "0");
        s.put("kafka.num.stream.threads", "2");
        System.getProperties().stringPropertyNames().stream()
                .filter(k -> k.startsWith("kafka."))
                .forEach(k -> s.put(k, System.getProperty(k)));
        return s;
    }

    private static double runCount(EmbeddedKafkaCluster kafka, List<OrderEvent> orders, Path state)
            throws Exception {
        SegstreamConfig config = new SegstreamConfig(common(kafka, "count.", state));
        TopicAdmin.ensureTopics(config);
        produce(kafka, config.topics().orders(), orders);
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(config.topics().orders(), Consumed.with(Serdes.String(), Serdes.ByteArray()))
                .groupByKey()
                .count(Materialized.as("counts"));
        Properties p = config.streamsProperties();
        p.put(StreamsConfig.APPLICATION_SERVER_CONFIG, "127.0.0.1:1");
        long start = System.nanoTime();
        try (KafkaStreams streams = new KafkaStreams(builder.build(), p)) {
            streams.start();
            awaitCommitted(
                    kafka,
                    config.getString(SegstreamConfig.APPLICATION_ID_CONFIG),
                    List.of(config.topics().orders()),
                    List.of());
            double seconds = (System.nanoTime() - start) / 1e9;
            long keys = 0;
            try (var all =
                    streams.store(
                                    StoreQueryParameters.fromNameAndType(
                                            "counts",
                                            QueryableStoreTypes.<String, Long>keyValueStore()))
                            .all()) {
                while (all.hasNext()) {
                    all.next();
                    keys++;
                }
            }
            System.out.printf(
                    "plain count:  %d orders in %.1f s = %.0f events/s (%d keys)%n",
                    orders.size(), seconds, orders.size() / seconds, keys);
            return orders.size() / seconds;
        }
    }

    private static double runSegstream(
            EmbeddedKafkaCluster kafka, List<OrderEvent> orders, Path state) throws Exception {
        Map<String, Object> s = common(kafka, "seg.", state);
        SegstreamConfig config = new SegstreamConfig(s);
        TopicAdmin.ensureTopics(config);
        produce(kafka, config.topics().orders(), orders);
        long start = System.nanoTime();
        try (SegstreamApp app = SegstreamApp.start(config)) {
            String appId = config.getString(SegstreamConfig.APPLICATION_ID_CONFIG);
            // every order, then every re-keyed event through the profile processor
            awaitCommitted(
                    kafka,
                    appId,
                    List.of(config.topics().orders()),
                    ConsumerProgress.repartitionTopics(config));
            double seconds = (System.nanoTime() - start) / 1e9;
            long profiles = 0;
            long bytes = 0;
            var store =
                    app.streams()
                            .store(
                                    StoreQueryParameters.fromNameAndType(
                                            io.segstream.app.topology.SegstreamTopology
                                                    .PROFILES_STORE,
                                            QueryableStoreTypes
                                                    .<String, UserProfile>keyValueStore()));
            try (var all = store.all()) {
                while (all.hasNext()) {
                    bytes += ProfileCodec.encode(all.next().value).length;
                    profiles++;
                }
            }
            var stats = app.registry().find("cache.gets").tag("result", "hit").functionCounter();
            System.out.printf(
                    "segstream:    %d orders in %.1f s = %.0f events/s; %d profiles, %.0f bytes per profile%s%n",
                    orders.size(),
                    seconds,
                    orders.size() / seconds,
                    profiles,
                    (double) bytes / Math.max(1, profiles),
                    stats == null ? "" : String.format(", %.0f encoder cache hits", stats.count()));
            return orders.size() / seconds;
        }
    }

    private static void produce(EmbeddedKafkaCluster kafka, String topic, List<OrderEvent> orders) {
        AvroCodec<OrderEvent> codec = AvroCodec.of(OrderEvent.class);
        try (KafkaProducer<String, byte[]> producer = kafka.orderedProducer()) {
            for (OrderEvent o : orders) {
                producer.send(
                        new ProducerRecord<>(
                                topic,
                                null,
                                o.getEventTime().toEpochMilli(),
                                o.getUserId(),
                                codec.encode(o)));
            }
        }
    }

    /**
     * Waits until {@code group} has committed every record of {@code topics}, then of {@code
     * downstream}.
     */
    private static void awaitCommitted(
            EmbeddedKafkaCluster kafka, String group, List<String> topics, List<String> downstream)
            throws Exception {
        try (ConsumerProgress progress = new ConsumerProgress(kafka.clientProperties())) {
            progress.await(group, topics, downstream, Duration.ofMinutes(20));
        }
    }
}
