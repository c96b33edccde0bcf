package io.segstream.app.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.segstream.app.config.SegstreamConfig;
import io.segstream.app.runtime.SegstreamApp;
import io.segstream.cli.SegstreamCli;
import io.segstream.core.encoder.CachingTextEncoder;
import io.segstream.core.encoder.EncoderConfig;
import io.segstream.core.encoder.EncoderModel;
import io.segstream.core.features.BehaviourFeatures;
import io.segstream.core.head.HeadFile;
import io.segstream.core.head.ReviewScorer;
import io.segstream.core.model.ModelCompatibilityException;
import io.segstream.core.profile.UserProfile;
import io.segstream.core.testing.SharedData;
import io.segstream.schemas.EncoderInfo;
import io.segstream.schemas.ReviewAlert;
import io.segstream.schemas.SegmentChange;
import io.segstream.schemas.SegmentChangeType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A review head trained by {@code segstream train-head} on real reviews (MiniLM, the first 1,500 of
 * the dev slice, to keep the test in seconds), loaded as the app loads it and run in the topology:
 * a clearly unhappy review moves its writer along the review features of a model that uses them,
 * and the change names the review as its driver.
 */
class ReviewHeadTopologyTest {

    private static final int NEGATIVE_REVIEWS =
            BehaviourFeatures.NAMES.indexOf("negative_reviews_log");

    @TempDir static Path dir;

    static Path headFile;
    static CachingTextEncoder encoder;
    static EncoderInfo info;

    @BeforeAll
    static void trainHead() throws Exception {
        int code =
                SegstreamCli.commandLine()
                        .execute(
                                "train-head",
                                "--dataset",
                                "womens-clothing-reviews",
                                SharedData.clothingReviewsDev().toString(),
                                "--encoder",
                                EncoderModel.ALL_MINILM_L6_V2_Q.id(),
                                "--label",
                                "not-recommended",
                                "--limit",
                                "1500",
                                "--folds",
                                "3",
                                "--embeddings-cache",
                                "none",
                                "--out",
                                dir.resolve("heads").toString());
        assertThat(code).isZero();
        try (Stream<Path> files = Files.list(dir.resolve("heads"))) {
            headFile =
                    files.filter(f -> f.toString().endsWith(".head.avro"))
                            .findFirst()
                            .orElseThrow();
        }
        encoder = CachingTextEncoder.open(EncoderConfig.defaults());
        info = TopologyHarness.encoderInfo(encoder);
    }

    @AfterAll
    static void close() {
        if (encoder != null) {
            encoder.close();
        }
    }

    @Test
    void shouldMoveTheWriterOfAClearlyUnhappyReviewWithTheReviewAsDriver() throws Exception {
        try (ReviewScorer scorer =
                        ReviewScorer.following(
                                "not-recommended",
                                EncoderModel.ALL_MINILM_L6_V2_Q,
                                EncoderConfig.defaults());
                TopologyHarness h =
                        new TopologyHarness(
                                encoder,
                                scorer,
                                dir.resolve("state"),
                                Map.of(SegstreamConfig.LEARNING_ENABLED_CONFIG, false))) {
            assertThat(scorer.offer(HeadFile.read(headFile))).isTrue();
            // segment 0: no unhappy reviews; segment 1: one recent unhappy review
            h.publish(TestModels.axisModel(NEGATIVE_REVIEWS, 1, 1, info, 10, 0, Math.log1p(1)));
            Instant t0 = TopologyHarness.T0;
            for (String user : List.of("unhappy", "happy")) {
                h.clicks.pipeInput(
                        user, TopologyHarness.view(user, t0, "Floral midi dress", "Dresses", 88));
            }
            Instant later = t0.plus(Duration.ofHours(2));
            // no star rating: only the head can judge these
            h.reviews.pipeInput(
                    "unhappy",
                    TopologyHarness.review(
                            "unhappy",
                            later,
                            "Cheap and falling apart",
                            "Terrible quality. The seams ripped the first time I wore it, the fabric"
                                    + " is thin and scratchy and it looks nothing like the photo."
                                    + " Sending it back.",
                            null));
            h.reviews.pipeInput(
                    "happy",
                    TopologyHarness.review(
                            "happy",
                            later,
                            "Love it",
                            "Beautiful dress, fits perfectly and the fabric is so soft. I get"
                                    + " compliments every time I wear it.",
                            null));

            UserProfile unhappy = h.profiles().get("unhappy");
            UserProfile happy = h.profiles().get("happy");
            assertThat(unhappy.reviews()).isEqualTo(1f);
            assertThat(unhappy.negativeReviews()).isEqualTo(1f);
            double threshold = scorer.head().model().getThreshold();
            assertThat(unhappy.meanReviewNegativity()).isGreaterThan(Math.max(0.5, threshold));
            assertThat(happy.negativeReviews()).isZero();
            assertThat(happy.meanReviewNegativity()).isLessThan(Math.min(0.2, threshold));
            assertThat(unhappy.eventCount()).isEqualTo(2);

            List<SegmentChange> moves =
                    h.changes.readValuesToList().stream()
                            .filter(c -> c.getChangeType() == SegmentChangeType.MOVED)
                            .toList();
            assertThat(moves).hasSize(1);
            SegmentChange moved = moves.get(0);
            assertThat(moved.getUserId()).isEqualTo("unhappy");
            assertThat(moved.getPreviousSegment()).isZero();
            assertThat(moved.getNewSegment()).isEqualTo(1);
            assertThat(moved.getEventTime()).isEqualTo(later);
            assertThat(moved.getDrivers().get(0).getFeature()).isEqualTo("negative_reviews_log");
            assertThat(moved.getDrivers().get(0).getValue()).isCloseTo(Math.log1p(1), within(1e-6));

            // the unhappy review put its writer at risk: one alert, none for the happy one
            List<ReviewAlert> alerts = h.alerts.readValuesToList();
            assertThat(alerts).hasSize(1);
            ReviewAlert alert = alerts.get(0);
            assertThat(alert.getUserId()).isEqualTo("unhappy");
            assertThat(alert.getNegativeReviews()).isEqualTo(1.0);
            assertThat(alert.getSegmentId()).isEqualTo(1);
            assertThat(alert.getJudgedBy()).startsWith("head not-recommended v");
            // still at risk a day later: a second unhappy review alerts nobody again
            h.reviews.pipeInput(
                    "unhappy",
                    TopologyHarness.review(
                            "unhappy",
                            later.plus(Duration.ofDays(1)),
                            "Awful",
                            "Shrank in the wash and the colour ran. Poor quality, returned it.",
                            null));
            assertThat(h.profiles().get("unhappy").negativeReviews()).isGreaterThan(1.9f);
            assertThat(h.alerts.readValuesToList()).isEmpty();
        }
    }

    @Test
    void shouldRefuseToStartWithAHeadTrainedOnAnotherEncoder() {
        SegstreamConfig config =
                SegstreamConfig.of(
                        Map.of(
                                SegstreamConfig.BOOTSTRAP_SERVERS_CONFIG,
                                "127.0.0.1:1",
                                SegstreamConfig.REVIEWS_HEAD_FILE_CONFIG,
                                headFile.toString(),
                                SegstreamConfig.REVIEWS_ENCODER_MODEL_CONFIG,
                                EncoderModel.BGE_SMALL_EN_V15_Q.id()));
        assertThatThrownBy(() -> SegstreamApp.start(config).close())
                .isInstanceOf(ModelCompatibilityException.class)
                .hasMessageContaining("was trained on encoder all-minilm-l6-v2-q")
                .hasMessageContaining("the review encoder here is bge-small-en-v15-q")
                .hasMessageContaining("Set reviews.encoder.model=all-minilm-l6-v2-q");
    }
}
