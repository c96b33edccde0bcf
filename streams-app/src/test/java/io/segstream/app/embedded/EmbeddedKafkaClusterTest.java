package io.segstream.app.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(180)
class EmbeddedKafkaClusterTest {

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    @Test
    void shouldCommitTransactionalRecordsAndHideAbortedOnesFromReadCommittedConsumers()
            throws Exception {
        try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.start()) {
            kafka.createTopics(Map.of("orders", 4), Map.of("cleanup.policy", "delete"));

            assertThat(describe(kafka, "orders").partitions()).hasSize(4);

            List<String> committed = IntStream.range(0, 100).mapToObj(i -> "order-" + i).toList();
            try (KafkaProducer<String, String> producer = transactionalProducer(kafka)) {
                producer.initTransactions();
                producer.beginTransaction();
                for (String value : committed) {
                    producer.send(new ProducerRecord<>("orders", value, value));
                }
                producer.commitTransaction();

                producer.beginTransaction();
                for (int i = 0; i < 10; i++) {
                    producer.send(new ProducerRecord<>("orders", "aborted-" + i, "aborted-" + i));
                }
                producer.flush();
                producer.abortTransaction();
            }

            List<ConsumerRecord<String, String>> read = readCommittedToEnd(kafka, "orders", 4);

            assertThat(read)
                    .extracting(ConsumerRecord::value)
                    .hasSize(100)
                    .containsExactlyInAnyOrderElementsOf(committed);
            assertThat(read.stream().map(ConsumerRecord::partition).collect(Collectors.toSet()))
                    .as("keys spread over all four partitions")
                    .containsExactlyInAnyOrder(0, 1, 2, 3);
        }
    }

    @Test
    void shouldRunAnExactlyOnceStreamsApplication(@TempDir Path stateDir) throws Exception {
        try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.start()) {
            kafka.createTopics(Map.of("words", 2, "shouted", 2));
            StreamsBuilder builder = new StreamsBuilder();
            builder.stream("words", Consumed.with(Serdes.String(), Serdes.String()))
                    .mapValues(value -> value.toUpperCase(Locale.ROOT), Named.as("shout"))
                    .to("shouted", Produced.with(Serdes.String(), Serdes.String()));
            Properties config = new Properties();
            config.put(StreamsConfig.APPLICATION_ID_CONFIG, "embedded-eos-test");
            config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
            config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
            config.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 50);

            try (KafkaStreams streams = new KafkaStreams(builder.build(), config);
                    KafkaProducer<String, String> producer = transactionalProducer(kafka)) {
                streams.start();
                producer.initTransactions();
                producer.beginTransaction();
                for (int i = 0; i < 20; i++) {
                    producer.send(new ProducerRecord<>("words", "k" + i, "word-" + i));
                }
                producer.commitTransaction();

                // the whole committed output each time: exactly-once means no duplicates either
                List<String> shouted = List.of();
                long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
                while (shouted.size() < 20 && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                    shouted =
                            readCommittedToEnd(kafka, "shouted", 2).stream()
                                    .map(ConsumerRecord::value)
                                    .toList();
                }

                assertThat(shouted)
                        .containsExactlyInAnyOrderElementsOf(
                                IntStream.range(0, 20).mapToObj(i -> "WORD-" + i).toList());
            }
        }
    }

    @Test
    void shouldLeaveAnExistingTopicAsItIsWhenCreatedAgain() {
        try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.start()) {
            kafka.createTopic("profiles", 4);

            assertThatCode(() -> kafka.createTopics(Map.of("profiles", 2, "segments", 3)))
                    .doesNotThrowAnyException();

            assertThat(describe(kafka, "profiles").partitions()).hasSize(4);
            assertThat(describe(kafka, "segments").partitions()).hasSize(3);
        }
    }

    @Test
    void shouldDeleteTheTempDirectoryAndFreeThePortsOnClose() throws IOException {
        EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.start();
        Path dataDir = kafka.dataDir();
        int port = kafka.port();
        int controllerPort = kafka.controllerPort();
        assertThat(dataDir.resolve(EmbeddedKafkaCluster.LOG_DIR_NAME).resolve("meta.properties"))
                .isRegularFile();
        assertThat(kafka.bootstrapServers()).isEqualTo("127.0.0.1:" + port);

        kafka.close();

        assertThat(dataDir).doesNotExist();
        assertThat(canBind(port)).as("broker port %d free after close", port).isTrue();
        assertThat(canBind(controllerPort))
                .as("controller port %d free after close", controllerPort)
                .isTrue();
        assertThatCode(kafka::close).as("second close").doesNotThrowAnyException();
        assertThatThrownBy(() -> kafka.createTopic("late", 1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void shouldRunTwoClustersAtOnceOnDifferentPorts() throws Exception {
        try (EmbeddedKafkaCluster first = EmbeddedKafkaCluster.start();
                EmbeddedKafkaCluster second = EmbeddedKafkaCluster.start()) {
            assertThat(first.port()).isNotEqualTo(second.port());
            assertThat(first.dataDir()).isNotEqualTo(second.dataDir());
            assertThat(first.clusterId()).isNotEqualTo(second.clusterId());

            first.createTopic("clicks", 2);
            second.createTopic("clicks", 3);

            assertThat(describe(first, "clicks").partitions()).hasSize(2);
            assertThat(describe(second, "clicks").partitions()).hasSize(3);
            assertThat(clusterIdSeenBy(first)).isEqualTo(first.clusterId());
            assertThat(clusterIdSeenBy(second)).isEqualTo(second.clusterId());
        }
    }

    @Test
    void shouldStartOnAFixedPortAndKeepTheGivenDataDirAcrossRestarts(@TempDir Path tmp)
            throws Exception {
        Path dataDir = tmp.resolve("kafka-data");
        int port = EmbeddedKafkaCluster.freePorts(1)[0];
        String clusterId;
        try (EmbeddedKafkaCluster kafka =
                EmbeddedKafkaCluster.builder().optPort(port).optDataDir(dataDir).start()) {
            assertThat(kafka.bootstrapServers()).isEqualTo("127.0.0.1:" + port);
            kafka.createTopic("kept", 2);
            clusterId = kafka.clusterId();
        }
        assertThat(dataDir.resolve(EmbeddedKafkaCluster.LOG_DIR_NAME)).isDirectory();

        try (EmbeddedKafkaCluster restarted =
                EmbeddedKafkaCluster.builder().optPort(port).optDataDir(dataDir).start()) {
            assertThat(restarted.clusterId()).isEqualTo(clusterId);
            assertThat(clusterIdSeenBy(restarted)).isEqualTo(clusterId);
            assertThat(describe(restarted, "kept").partitions()).hasSize(2);
        }
        assertThat(dataDir).isDirectory();
    }

    @Test
    void shouldFailFastWhenTheFixedPortIsTaken() throws IOException {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            int port = taken.getLocalPort();

            assertThatThrownBy(() -> EmbeddedKafkaCluster.builder().optPort(port).start())
                    .isInstanceOf(EmbeddedKafkaException.class)
                    .hasMessageContaining("port " + port)
                    .hasMessageContaining("in use");
        }
    }

    @Test
    void shouldRejectInvalidOptionsNamingTheValue() {
        EmbeddedKafkaCluster.Builder builder = EmbeddedKafkaCluster.builder();

        assertThatThrownBy(() -> builder.optPort(70_000))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("70000");
        assertThatThrownBy(() -> builder.optBrokerProperty("listeners", "PLAINTEXT://:9092"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'listeners'")
                .hasMessageContaining("optPort");
        assertThatThrownBy(() -> builder.optStartTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PT0S");
    }

    private static KafkaProducer<String, String> transactionalProducer(EmbeddedKafkaCluster kafka) {
        return new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        kafka.bootstrapServers(),
                        ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                        "test-" + UUID.randomUUID(),
                        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                        true,
                        ProducerConfig.ACKS_CONFIG,
                        "all"),
                new StringSerializer(),
                new StringSerializer());
    }

    /**
     * Reads every partition from the beginning up to its end offset as a read_committed consumer
     * sees it (the last stable offset), so aborted records would show up if they leaked.
     */
    private static List<ConsumerRecord<String, String>> readCommittedToEnd(
            EmbeddedKafkaCluster kafka, String topic, int partitions) {
        List<TopicPartition> assignment =
                IntStream.range(0, partitions).mapToObj(p -> new TopicPartition(topic, p)).toList();
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(
                        Map.of(
                                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                kafka.bootstrapServers(),
                                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                                "read_committed",
                                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                                false),
                        new StringDeserializer(),
                        new StringDeserializer())) {
            consumer.assign(assignment);
            consumer.seekToBeginning(assignment);
            Map<TopicPartition, Long> end = consumer.endOffsets(assignment);
            List<ConsumerRecord<String, String>> read = new ArrayList<>();
            long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
            while (!reachedEnd(consumer, end)) {
                assertThat(System.nanoTime())
                        .as("read %s to end offsets %s within %s", topic, end, READ_TIMEOUT)
                        .isLessThan(deadline);
                consumer.poll(Duration.ofMillis(200)).forEach(read::add);
            }
            return read;
        }
    }

    private static boolean reachedEnd(
            KafkaConsumer<String, String> consumer, Map<TopicPartition, Long> end) {
        return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }

    private static TopicDescription describe(EmbeddedKafkaCluster kafka, String topic) {
        try (Admin admin = admin(kafka)) {
            return admin.describeTopics(Set.of(topic)).allTopicNames().get().get(topic);
        } catch (Exception e) {
            throw new AssertionError("could not describe " + topic, e);
        }
    }

    private static String clusterIdSeenBy(EmbeddedKafkaCluster kafka) throws Exception {
        try (Admin admin = admin(kafka)) {
            return admin.describeCluster().clusterId().get();
        }
    }

    private static Admin admin(EmbeddedKafkaCluster kafka) {
        return Admin.create(
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
    }

    private static boolean canBind(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
