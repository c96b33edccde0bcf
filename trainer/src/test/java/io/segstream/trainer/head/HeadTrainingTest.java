package io.segstream.trainer.head;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.segstream.core.dataset.ClothingReviews.Review;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * The head and the baseline on synthetic reviews where the label is carried by one embedding
 * direction (which words do not show) or by one word (which the embedding does not show): each
 * model must find what it can see, and the verdict must follow the figures.
 */
class HeadTrainingTest {

    private static final int N = 1200;
    private static final int DIM = 16;

    @Test
    void shouldFindTheSignalItsFeaturesCarryAndFoldItsStandardisationIntoTheWeights()
            throws Exception {
        Random random = new Random(3);
        List<Review> reviews = new ArrayList<>();
        float[][] embeddings = new float[N][DIM];
        for (int i = 0; i < N; i++) {
            boolean unhappy = random.nextDouble() < 0.25;
            for (int j = 0; j < DIM; j++) {
                embeddings[i][j] = (float) (random.nextGaussian() * 0.05);
            }
            // the embedding's dimension 3 leans with the label, noisily
            embeddings[i][3] += (float) ((unhappy ? 0.08 : -0.08) + random.nextGaussian() * 0.05);
            String words =
                    "nice fabric colour size fit " + (random.nextBoolean() ? "soft" : "warm");
            reviews.add(new Review("p" + (i % 60), "", words, unhappy ? 2 : 5, !unhappy));
        }
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            HeadTraining.Evaluation e =
                    HeadTraining.evaluate(
                            reviews, embeddings, HeadLabel.NOT_RECOMMENDED, 5, 42, pool);
            assertThat(e.folds()).hasSize(5);
            assertThat(e.head().mean()).isGreaterThan(0.9);
            // the words say nothing about the label
            assertThat(e.baseline().mean()).isBetween(0.35, 0.65);
            assertThat(e.verdict().beatsBaseline()).isTrue();
            assertThat(e.headAtThreshold().positive().f1()).isGreaterThan(0.7);
            // the folded weights over raw embeddings give the probabilities the stream will use
            double[] folded = e.finalHead().score(reviews, embeddings);
            assertThat(folded).hasSize(N);
            double[] direct = HeadTraining.scores(e.weights(), embeddings);
            for (int i = 0; i < N; i++) {
                assertThat(folded[i]).isCloseTo(direct[i], within(1e-12));
            }
            assertThat(e.weights()[3]).isPositive().isGreaterThan(10 * Math.abs(e.weights()[5]));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void shouldNotClaimAHeadThatSeesNothingTheBaselineSees() throws Exception {
        Random random = new Random(5);
        List<Review> reviews = new ArrayList<>();
        float[][] embeddings = new float[N][DIM];
        for (int i = 0; i < N; i++) {
            boolean unhappy = random.nextDouble() < 0.25;
            for (int j = 0; j < DIM; j++) {
                embeddings[i][j] = (float) random.nextGaussian();
            }
            String words = unhappy ? "returned it, awful quality" : "lovely quality, kept it";
            reviews.add(new Review("p" + (i % 60), "", words, unhappy ? 1 : 5, !unhappy));
        }
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            HeadTraining.Evaluation e =
                    HeadTraining.evaluate(reviews, embeddings, HeadLabel.NEGATIVE, 5, 42, pool);
            assertThat(e.baseline().mean()).isGreaterThan(0.99);
            assertThat(e.head().mean()).isLessThan(0.7);
            assertThat(e.verdict().beatsBaseline()).isFalse();
            assertThat(e.verdict().text()).contains("does not beat the TF-IDF baseline");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void shouldPickTheThresholdWithTheBestF1() {
        double[] scores = {0.9, 0.8, 0.7, 0.6, 0.2, 0.1};
        boolean[] labels = {true, true, false, true, false, false};
        // at 0.6: 3 of 4 predicted are right and every positive is found, F1 6/7
        assertThat(LogisticFit.bestF1Threshold(scores, labels)).isEqualTo(0.6);
    }
}
