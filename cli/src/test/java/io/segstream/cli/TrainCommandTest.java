package io.segstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.segstream.app.config.SegstreamConfig;
import io.segstream.app.embedded.EmbeddedKafkaCluster;
import io.segstream.app.runtime.TopicAdmin;
import io.segstream.core.clustering.Cluster;
import io.segstream.core.dataset.OnlineRetail;
import io.segstream.core.features.BehaviourFeatures;
import io.segstream.core.features.FeatureSpec;
import io.segstream.core.model.SegmentModels;
import io.segstream.core.testing.SharedData;
import io.segstream.schemas.AvroCodec;
import io.segstream.schemas.EncoderInfo;
import io.segstream.schemas.OrderEvent;
import io.segstream.schemas.SegmentModel;
import io.segstream.trainer.ModelFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code segstream train} on the real dev slice, published to an embedded broker, then {@code model
 * list} and {@code model rollback} against it.
 */
class TrainCommandTest {

    @TempDir Path dir;

    @Test
    void shouldTrainPublishListAndRollBack() throws Exception {
        String csv = SharedData.onlineRetailDev().toString();
        try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.start()) {
            String bootstrap = kafka.bootstrapServers();
            CliRun first = new CliRun();
            int code =
                    first.run(
                            "train",
                            "--dataset",
                            "online-retail",
                            csv,
                            "--as-of",
                            "2011-06-01",
                            "--horizon",
                            "60",
                            "--k",
                            "4",
                            "--out",
                            dir.resolve("v1.avro").toString(),
                            "--export-features",
                            dir.resolve("features.csv").toString(),
                            "--report-json",
                            dir.resolve("report.json").toString(),
                            "--explain-user",
                            "13047",
                            "--publish",
                            "--bootstrap-servers",
                            bootstrap);
            assertThat(code).as(first.err.toString()).isZero();
            String text = first.out.toString();
            assertThat(text)
                    .contains("model v1 (major 1): 4 segments")
                    .contains("silhouette")
                    .contains("RFM baseline")
                    .contains("published model v1")
                    .contains("user 13047 is in segment");
            assertThat(Files.readAllLines(dir.resolve("features.csv")).get(0))
                    .startsWith("user_id,recency_months_log,")
                    .endsWith(",segment");
            assertThat(Files.readString(dir.resolve("report.json")))
                    .contains("\"bootstrapStability\"");

            CliRun second = new CliRun();
            assertThat(
                            second.run(
                                    "train",
                                    "--dataset",
                                    "online-retail",
                                    csv,
                                    "--as-of",
                                    "2011-06-01",
                                    "--horizon",
                                    "0",
                                    "--k",
                                    "4",
                                    "--seed",
                                    "7",
                                    "--text-components",
                                    "16",
                                    "--previous-model",
                                    dir.resolve("v1.avro").toString(),
                                    "--out",
                                    dir.resolve("v2.avro").toString(),
                                    "--publish",
                                    "--bootstrap-servers",
                                    bootstrap))
                    .as(second.err.toString())
                    .isZero();
            assertThat(second.out.toString())
                    .contains("keep their segment id")
                    .contains("published model v2 (major 2)");
            assertThat(ModelFile.read(dir.resolve("v2.avro")).getParentVersion()).isEqualTo(1L);
            assertThat(ModelFile.read(dir.resolve("v2.avro")).getProjection().getOutputDimension())
                    .isEqualTo(16);

            CliRun rollback = new CliRun();
            assertThat(
                            rollback.run(
                                    "model",
                                    "rollback",
                                    "--to",
                                    "1",
                                    "--bootstrap-servers",
                                    bootstrap))
                    .isZero();
            assertThat(rollback.out.toString()).contains("v1 republished as v3 (major 3)");

            CliRun list = new CliRun();
            assertThat(list.run("model", "list", "--bootstrap-servers", bootstrap)).isZero();
            assertThat(list.out.toString())
                    .containsPattern("(?m)^\\s+1\\s+1 TRAINER")
                    .containsPattern("(?m)^\\s+2\\s+2 TRAINER")
                    .containsPattern("(?m)^\\s+3\\s+3 ROLLBACK");
        }
    }

    @Test
    void shouldTrainOnTheInputTopics() throws Exception {
        List<OrderEvent> orders =
                OnlineRetail.read(SharedData.onlineRetailDev()).orders().stream()
                        .filter(
                                o ->
                                        o.getEventTime()
                                                .isBefore(
                                                        java.time.Instant.parse(
                                                                "2011-03-01T00:00:00Z")))
                        .toList();
        try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.start()) {
            SegstreamConfig config =
                    new SegstreamConfig(
                            Map.of(
                                    SegstreamConfig.BOOTSTRAP_SERVERS_CONFIG,
                                    kafka.bootstrapServers()));
            TopicAdmin.ensureTopics(config);
            AvroCodec<OrderEvent> codec = AvroCodec.of(OrderEvent.class);
            try (KafkaProducer<String, byte[]> producer = kafka.orderedProducer()) {
                for (OrderEvent o : orders) {
                    producer.send(
                            new ProducerRecord<>(
                                    config.topics().orders(), o.getUserId(), codec.encode(o)));
                }
                producer.send(
                        new ProducerRecord<>(
                                config.topics().orders(), "broken", new byte[] {1, 2, 3}));
            }

            CliRun cli = new CliRun();
            int code =
                    cli.run(
                            "train",
                            "--bootstrap-servers",
                            kafka.bootstrapServers(),
                            "--horizon",
                            "0",
                            "--k",
                            "3",
                            "--out",
                            dir.resolve("from-topics.avro").toString());

            assertThat(code).as(cli.err.toString()).isZero();
            assertThat(cli.err.toString())
                    .contains(
                            String.format(
                                    "read %,d events from segstream.clicks and segstream.orders (1 undecodable skipped)",
                                    orders.size()));
            long customers = orders.stream().map(OrderEvent::getUserId).distinct().count();
            assertThat(cli.out.toString())
                    .contains(String.format("3 segments from %,d users", customers));
            assertThat(ModelFile.read(dir.resolve("from-topics.avro")).getK()).isEqualTo(3);
        }
    }

    @Test
    void shouldNameTheMissingInput() {
        CliRun cli = new CliRun();

        assertThat(cli.run("train")).isEqualTo(CliErrors.USER_ERROR);
        assertThat(cli.err.toString()).contains("--dataset online-retail FILE");
    }

    @Test
    void shouldRefuseAPreviousModelOfAnOlderFeatureLayoutBeforeReadingTheData() throws Exception {
        List<String> names = new ArrayList<>(BehaviourFeatures.NAMES);
        names.set(names.indexOf("recency_months_log"), "recency_days_log");
        double[] zeros = new double[names.size()];
        double[] ones = zeros.clone();
        Arrays.fill(ones, 1);
        SegmentModel legacy =
                SegmentModels.seed(
                        new FeatureSpec(names, zeros, ones, 0, 0),
                        List.of(new Cluster(0, zeros, 1)),
                        new EncoderInfo("all-minilm-l6-v2-q", "0".repeat(64), 384),
                        Instant.parse("2011-09-01T00:00:00Z"),
                        1L);
        Path previous = dir.resolve("old.avro");
        ModelFile.write(legacy, previous);
        // never read: the refusal comes first
        Path csv = Files.writeString(dir.resolve("empty.csv"), "");

        CliRun cli = new CliRun();
        assertThat(
                        cli.run(
                                "train",
                                "--dataset",
                                "online-retail",
                                csv.toString(),
                                "--previous-model",
                                previous.toString()))
                .isEqualTo(CliErrors.USER_ERROR);
        assertThat(cli.err.toString())
                .contains("[recency_days_log]")
                .contains("Leave --previous-model out");
    }
}
