package io.segstream.trainer;

import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * The churn head against a baseline on recency, frequency and monetary value alone, both trained on
 * the same customers and scored on customers neither has seen: one split of the customers (by a
 * hash of the id and the seed), or a later cut ({@link #acrossTime}).
 */
public record ChurnEvaluation(
        long seed,
        BinaryMetrics head,
        BinaryMetrics baseline,
        double churnRate,
        int trainCustomers,
        int testCustomers,
        String headRegularisation,
        String baselineRegularisation) {

    /** Share of customers held out for testing. */
    static final double TEST_SHARE = 0.3;

    /** One split: customers held out by {@link #held}, the rest train both models. */
    static ChurnEvaluation run(TrainingSet set, long seed, Set<ChurnFeatures.Group> groups) {
        int[] test =
                IntStream.range(0, set.size())
                        .filter(i -> held(set.users().get(i), seed))
                        .toArray();
        int[] train =
                IntStream.range(0, set.size())
                        .filter(i -> !held(set.users().get(i), seed))
                        .toArray();
        return evaluate(seed, set, train, set, test, groups);
    }

    /**
     * Trained on every customer of {@code past} (an earlier cut, labelled up to the later one) and
     * tested on every customer of {@code present}: the past predicting the future.
     */
    static ChurnEvaluation acrossTime(
            TrainingSet past, TrainingSet present, Set<ChurnFeatures.Group> groups) {
        return evaluate(
                0,
                past,
                IntStream.range(0, past.size()).toArray(),
                present,
                IntStream.range(0, present.size()).toArray(),
                groups);
    }

    static ChurnEvaluation evaluate(
            long seed,
            TrainingSet trainSet,
            int[] train,
            TrainingSet testSet,
            int[] test,
            Set<ChurnFeatures.Group> groups) {
        boolean[] yTrain = labels(trainSet, train);
        boolean[] yTest = labels(testSet, test);
        ChurnFeatures features = ChurnFeatures.fit(trainSet, train, groups);
        ChurnHead head = ChurnHead.fit(features.rows(trainSet, train), yTrain);
        ChurnHead baseline = ChurnHead.fit(ChurnFeatures.rfm(trainSet, train), yTrain);
        int churned = 0;
        for (boolean y : yTest) {
            churned += y ? 1 : 0;
        }
        return new ChurnEvaluation(
                seed,
                BinaryMetrics.of(head.scores(features.rows(testSet, test)), yTest, 0.5),
                BinaryMetrics.of(baseline.scores(ChurnFeatures.rfm(testSet, test)), yTest, 0.5),
                (double) churned / Math.max(1, test.length),
                train.length,
                test.length,
                head.regularisation(),
                baseline.regularisation());
    }

    static boolean held(String user, long seed) {
        // the seed spread over all 64 bits first: neighbouring seeds must give unrelated splits
        long h = (user.hashCode() * 0x9E3779B97F4A7C15L) ^ new SplittableRandom(seed).nextLong();
        h ^= h >>> 31;
        h *= 0xBF58476D1CE4E5B9L;
        h ^= h >>> 29;
        return Math.floorMod(h, 1000L) < TEST_SHARE * 1000;
    }

    private static boolean[] labels(TrainingSet set, int[] rows) {
        boolean[] out = new boolean[rows.length];
        for (int k = 0; k < rows.length; k++) {
            out[k] = set.churned()[rows[k]];
        }
        return out;
    }
}
