package io.segstream.trainer.head;

import de.bwaldvogel.liblinear.Feature;
import de.bwaldvogel.liblinear.FeatureNode;
import de.bwaldvogel.liblinear.Linear;
import de.bwaldvogel.liblinear.Model;
import de.bwaldvogel.liblinear.Parameter;
import de.bwaldvogel.liblinear.Problem;
import de.bwaldvogel.liblinear.SolverType;
import io.segstream.trainer.BinaryMetrics;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * L2-regularised logistic regression (liblinear's primal Newton solver) on fixed features, its
 * strength C picked by inner cross-validation grouped like the outer one, and a decision threshold
 * picked for the best F1 on the inner folds' held-out scores: neither choice ever sees the rows it
 * is judged on.
 */
final class LogisticFit {

    /** Inner folds: enough to rank strengths, few enough to keep a run in minutes. */
    static final int INNER_FOLDS = 3;

    private LogisticFit() {}

    /** The strength, threshold and inner AUC chosen for a training set. */
    record Tuned(double c, double threshold, double innerAuc) {}

    /** {@code rows} use features 1..{@code dimension}; a constant bias feature is added here. */
    static Tuned tune(
            List<Feature[]> rows,
            boolean[] labels,
            String[] groups,
            int dimension,
            double[] strengths,
            long seed,
            ExecutorService pool)
            throws InterruptedException {
        int[] fold = GroupedFolds.assign(groups, INNER_FOLDS, seed);
        // every (strength, fold) fit is independent: all of them share the pool
        List<Future<double[]>> fits = new ArrayList<>();
        for (double c : strengths) {
            for (int f = 0; f < INNER_FOLDS; f++) {
                int heldOut = f;
                fits.add(
                        pool.submit(
                                () -> {
                                    Split s = Split.of(rows, labels, fold, heldOut);
                                    return scores(
                                            train(s.trainRows, s.trainLabels, dimension, c),
                                            s.testRows);
                                }));
            }
        }
        Tuned best = null;
        for (int ci = 0; ci < strengths.length; ci++) {
            double[] outOfFold = new double[rows.size()];
            for (int f = 0; f < INNER_FOLDS; f++) {
                double[] s = get(fits.get(ci * INNER_FOLDS + f));
                int k = 0;
                for (int i = 0; i < rows.size(); i++) {
                    if (fold[i] == f) {
                        outOfFold[i] = s[k++];
                    }
                }
            }
            double auc = BinaryMetrics.of(outOfFold, labels, 0.5).auc();
            if (best == null || auc > best.innerAuc()) {
                best = new Tuned(strengths[ci], bestF1Threshold(outOfFold, labels), auc);
            }
        }
        return best;
    }

    static Model train(List<Feature[]> rows, boolean[] labels, int dimension, double c) {
        Linear.disableDebugOutput();
        Problem problem = new Problem();
        problem.l = rows.size();
        problem.n = dimension + 1;
        problem.bias = -1; // the constant feature below is the bias, so that every row is as given
        problem.x = new Feature[rows.size()][];
        problem.y = new double[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            problem.x[i] = withBias(rows.get(i), dimension + 1);
            problem.y[i] = labels[i] ? 1 : 0;
        }
        return Linear.train(problem, new Parameter(SolverType.L2R_LR, c, 1e-3));
    }

    /** The probability of the positive label for each row. */
    static double[] scores(Model model, List<Feature[]> rows) {
        int positive = model.getLabels()[0] == 1 ? 0 : 1;
        int biasIndex = model.getNrFeature();
        double[] p = new double[2];
        double[] out = new double[rows.size()];
        for (int i = 0; i < out.length; i++) {
            Linear.predictProbability(model, withBias(rows.get(i), biasIndex), p);
            out[i] = p[positive];
        }
        return out;
    }

    /** The weights of features 1..dimension and then the bias, for the positive label. */
    static double[] weights(Model model, int dimension) {
        double sign = model.getLabels()[0] == 1 ? 1 : -1;
        double[] w = new double[dimension + 1];
        for (int j = 0; j <= dimension; j++) {
            w[j] = sign * model.getDecfunCoef(j + 1, 0);
        }
        return w;
    }

    /** The score threshold with the best F1 of the positive label on these scores. */
    static double bestF1Threshold(double[] scores, boolean[] labels) {
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(scores[b], scores[a]));
        int positives = 0;
        for (boolean l : labels) {
            positives += l ? 1 : 0;
        }
        double bestF1 = -1;
        double threshold = 0.5;
        int tp = 0;
        for (int k = 0; k < order.length; k++) {
            tp += labels[order[k]] ? 1 : 0;
            // a threshold only between distinct scores: ties fall on one side together
            if (k + 1 < order.length && scores[order[k + 1]] == scores[order[k]]) {
                continue;
            }
            double f1 = 2.0 * tp / (k + 1 + positives);
            if (f1 > bestF1) {
                bestF1 = f1;
                threshold = scores[order[k]];
            }
        }
        return threshold;
    }

    private static Feature[] withBias(Feature[] f, int biasIndex) {
        Feature[] out = Arrays.copyOf(f, f.length + 1);
        out[f.length] = new FeatureNode(biasIndex, 1);
        return out;
    }

    private static <T> T get(Future<T> f) throws InterruptedException {
        try {
            return f.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("A head fit failed", e.getCause());
        }
    }

    /** Rows of one fold held out from the rest. */
    record Split(
            List<Feature[]> trainRows,
            boolean[] trainLabels,
            List<Feature[]> testRows,
            boolean[] testLabels) {

        static Split of(List<Feature[]> rows, boolean[] labels, int[] fold, int heldOut) {
            List<Feature[]> train = new ArrayList<>();
            List<Feature[]> test = new ArrayList<>();
            boolean[] trainLabels = new boolean[rows.size()];
            boolean[] testLabels = new boolean[rows.size()];
            int a = 0;
            int b = 0;
            for (int i = 0; i < rows.size(); i++) {
                if (fold[i] == heldOut) {
                    test.add(rows.get(i));
                    testLabels[b++] = labels[i];
                } else {
                    train.add(rows.get(i));
                    trainLabels[a++] = labels[i];
                }
            }
            return new Split(
                    train, Arrays.copyOf(trainLabels, a), test, Arrays.copyOf(testLabels, b));
        }
    }
}
