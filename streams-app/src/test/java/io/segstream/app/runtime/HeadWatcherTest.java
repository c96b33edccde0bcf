package io.segstream.app.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.segstream.app.config.SegstreamConfig;
import io.segstream.app.embedded.EmbeddedKafkaCluster;
import io.segstream.core.encoder.EncoderConfig;
import io.segstream.core.encoder.EncoderModel;
import io.segstream.core.encoder.OnnxTextEncoder;
import io.segstream.core.head.ReviewScorer;
import io.segstream.schemas.HeadModel;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * Head versions published on a real broker while the watcher runs: a later version replaces the
 * head the scorer follows, one trained on another encoder is refused and counted, and the head in
 * use stays.
 */
class HeadWatcherTest {

    @Test
    void shouldTakeLaterVersionsAndRefuseAnotherEncodersHead() throws Exception {
        String sha;
        try (OnnxTextEncoder minilm = OnnxTextEncoder.open(EncoderConfig.defaults())) {
            sha = minilm.modelSha256();
        }
        try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.start()) {
            SegstreamConfig config =
                    SegstreamConfig.of(
                            Map.of(
                                    SegstreamConfig.BOOTSTRAP_SERVERS_CONFIG,
                                    kafka.bootstrapServers(),
                                    SegstreamConfig.REPLICATION_FACTOR_CONFIG,
                                    "1"));
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            ModelPublisher.publishHead(
                    config, head("not-recommended", 1, "all-minilm-l6-v2-q", sha));
            ModelPublisher.publishHead(config, head("negative", 9, "all-minilm-l6-v2-q", sha));
            try (ReviewScorer scorer =
                            ReviewScorer.following(
                                    "not-recommended",
                                    EncoderModel.ALL_MINILM_L6_V2_Q,
                                    EncoderConfig.defaults());
                    HeadWatcher watcher = new HeadWatcher(config, scorer, registry)) {
                watcher.start();
                await(() -> scorer.head() != null);
                assertThat(scorer.head().version()).isEqualTo(1);

                ModelPublisher.publishHead(
                        config, head("not-recommended", 2, "all-minilm-l6-v2-q", sha));
                await(() -> scorer.head().version() == 2);

                ModelPublisher.publishHead(
                        config, head("not-recommended", 3, "bge-small-en-v15-q", "ab"));
                await(() -> registry.counter("segstream.review.heads.refused").count() == 1);
                assertThat(scorer.head().version()).isEqualTo(2);
            }
        }
    }

    private static HeadModel head(String name, long version, String encoder, String sha) {
        List<Float> weights = new ArrayList<>();
        for (int i = 0; i < 384; i++) {
            weights.add(i % 2 == 0 ? 0.1f : -0.1f);
        }
        return HeadModel.newBuilder()
                .setName(name)
                .setVersion(version)
                .setCreatedAt(Instant.ofEpochMilli(version))
                .setLabel("test")
                .setEncoderModelId(encoder)
                .setEncoderSha256(sha)
                .setEncoderMaxLength(128)
                .setWeights(weights)
                .setBias(0)
                .setThreshold(0.5)
                .setTrainingData("test")
                .setTrainingDataSha256("00")
                .setTrainingRows(1)
                .setPositives(1)
                .setRegularisation("L2, C=1")
                .setFolds(5)
                .setAucMean(0.5)
                .setAucSd(0)
                .setPrecision(0)
                .setRecall(0)
                .setF1(0)
                .build();
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waited 60 s").isLessThan(deadline);
            Thread.sleep(100);
        }
    }
}
