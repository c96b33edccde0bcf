package io.segstream.trainer;

import io.segstream.core.math.Pca;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The churn head (frozen sentence embeddings plus behavioural features) against a baseline on
 * recency, frequency and monetary value alone, both trained on the same customers and scored on
 * customers neither has seen (a split by a hash of the customer id and the seed).
 */
public record ChurnEvaluation(
        BinaryMetrics head,
        BinaryMetrics baseline,
        double churnRate,
        int trainCustomers,
        int testCustomers,
        String headRegularisation,
        String baselineRegularisation) {

    /** Share of customers held out for testing. */
    static final double TEST_SHARE = 0.3;

    /** recency_days_log, orders_log, spend_log: the first three behavioural features. */
    static final int RFM = 3;

    /** Principal components of the text block the head sees. */
    static final int TEXT_COMPONENTS = 16;

    /**
     * The head's inputs: the behavioural features, how overdue the customer is (days since the last
     * order over their mean days between orders, log), and the text block's main components.
     */
    static List<double[]> headFeatures(List<double[]> raw, int b, Pca text) {
        List<double[]> out = new ArrayList<>();
        for (double[] r : raw) {
            double[] t = text.project(Arrays.copyOfRange(r, b, r.length));
            double[] x = Arrays.copyOf(r, b + 1 + t.length);
            double recency = Math.expm1(r[0]);
            double orders = Math.expm1(r[1]);
            double tenure = Math.expm1(r[b - 1]);
            double gap = Math.max(1, tenure / Math.max(1, orders));
            x[b] = Math.log1p(recency / gap);
            System.arraycopy(t, 0, x, b + 1, t.length);
            out.add(x);
        }
        return out;
    }

    static ChurnEvaluation run(TrainingSet set, long seed) {
        List<double[]> trainFull = new ArrayList<>();
        List<double[]> testFull = new ArrayList<>();
        List<Boolean> trainLabels = new ArrayList<>();
        List<Boolean> testLabels = new ArrayList<>();
        int churned = 0;
        for (int i = 0; i < set.size(); i++) {
            boolean test = held(set.users().get(i), seed);
            (test ? testFull : trainFull).add(set.raw().get(i));
            (test ? testLabels : trainLabels).add(set.churned()[i]);
            churned += set.churned()[i] ? 1 : 0;
        }
        boolean[] yTrain = toArray(trainLabels);
        boolean[] yTest = toArray(testLabels);
        // the text block shrunk to its main directions on the training customers: 384 noisy
        // inputs would drown the behavioural signal
        int b = io.segstream.core.features.BehaviourFeatures.NAMES.size();
        Pca text =
                Pca.fit(
                        trainFull.stream().map(r -> Arrays.copyOfRange(r, b, r.length)).toList(),
                        Math.min(TEXT_COMPONENTS, trainFull.size() - 1));
        trainFull = headFeatures(trainFull, b, text);
        testFull = headFeatures(testFull, b, text);
        ChurnHead head = ChurnHead.fit(trainFull, yTrain);
        ChurnHead baseline = ChurnHead.fit(rfm(trainFull), yTrain);
        return new ChurnEvaluation(
                BinaryMetrics.of(head.scores(testFull), yTest, 0.5),
                BinaryMetrics.of(baseline.scores(rfm(testFull)), yTest, 0.5),
                (double) churned / set.size(),
                trainFull.size(),
                testFull.size(),
                head.regularisation(),
                baseline.regularisation());
    }

    static boolean held(String user, long seed) {
        long h = (user.hashCode() * 0x9E3779B97F4A7C15L) ^ seed;
        h ^= h >>> 31;
        return Math.floorMod(h * 0xBF58476D1CE4E5B9L, 1000L) < TEST_SHARE * 1000;
    }

    private static List<double[]> rfm(List<double[]> rows) {
        return rows.stream().map(r -> Arrays.copyOf(r, RFM)).toList();
    }

    private static boolean[] toArray(List<Boolean> values) {
        boolean[] out = new boolean[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }
}
