package io.segstream.trainer;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * How well scores separate two classes: ROC AUC (Mann–Whitney, ties counted half) and, at a
 * threshold, precision, recall and F1 of each class.
 */
public record BinaryMetrics(
        double auc,
        double threshold,
        ClassReport positive,
        ClassReport negative,
        double accuracy,
        int support) {

    /** Precision, recall, F1 and support of one class. */
    public record ClassReport(double precision, double recall, double f1, int support) {}

    public static BinaryMetrics of(double[] scores, boolean[] labels, double threshold) {
        int n = scores.length;
        int tp = 0;
        int fp = 0;
        int tn = 0;
        int fn = 0;
        for (int i = 0; i < n; i++) {
            boolean predicted = scores[i] >= threshold;
            if (predicted && labels[i]) {
                tp++;
            } else if (predicted) {
                fp++;
            } else if (labels[i]) {
                fn++;
            } else {
                tn++;
            }
        }
        return new BinaryMetrics(
                auc(scores, labels),
                threshold,
                report(tp, fp, fn),
                report(tn, fn, fp),
                n == 0 ? 0 : (double) (tp + tn) / n,
                n);
    }

    static double auc(double[] scores, boolean[] labels) {
        Integer[] order = IntStream.range(0, scores.length).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble(i -> scores[i]));
        double rankSumPositive = 0;
        long positives = 0;
        int i = 0;
        while (i < order.length) {
            int j = i;
            while (j + 1 < order.length && scores[order[j + 1]] == scores[order[i]]) {
                j++;
            }
            double rank = (i + j) / 2.0 + 1; // average rank of a tie group, 1-based
            for (int t = i; t <= j; t++) {
                if (labels[order[t]]) {
                    rankSumPositive += rank;
                    positives++;
                }
            }
            i = j + 1;
        }
        long negatives = scores.length - positives;
        if (positives == 0 || negatives == 0) {
            return Double.NaN;
        }
        return (rankSumPositive - positives * (positives + 1) / 2.0) / (positives * negatives);
    }

    private static ClassReport report(int truePositive, int falsePositive, int falseNegative) {
        double precision =
                truePositive + falsePositive == 0
                        ? 0
                        : (double) truePositive / (truePositive + falsePositive);
        double recall =
                truePositive + falseNegative == 0
                        ? 0
                        : (double) truePositive / (truePositive + falseNegative);
        double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        return new ClassReport(precision, recall, f1, truePositive + falseNegative);
    }
}
