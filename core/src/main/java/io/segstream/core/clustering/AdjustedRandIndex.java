package io.segstream.core.clustering;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The adjusted Rand index (Hubert and Arabie 1985) of two partitions of the same points: how often
 * they agree on whether a pair of points belongs together, corrected for the agreement expected by
 * chance. 1 means identical partitions (up to renaming the labels), about 0 means no better than
 * chance, and it can be negative. Used to score a fit against planted labels and to compare
 * assignments across models or bootstrap samples, where segment ids need not match.
 *
 * <p>From the contingency table {@code n_ij} with row sums {@code a_i}, column sums {@code b_j} and
 * {@code N} points, with {@code C(x) = x(x-1)/2}:
 *
 * <pre>
 *   index    = sum_ij C(n_ij)
 *   expected = sum_i C(a_i) * sum_j C(b_j) / C(N)
 *   max      = (sum_i C(a_i) + sum_j C(b_j)) / 2
 *   ARI      = (index - expected) / (max - expected)
 * </pre>
 *
 * The denominator is zero only when both partitions put all points in one cluster or both put every
 * point in its own; the partitions are then identical and the result is 1 (as in scikit-learn). So
 * are partitions of fewer than two points.
 */
public final class AdjustedRandIndex {

    private AdjustedRandIndex() {}

    /**
     * @param labelsA a cluster label per point; any int values
     * @param labelsB a cluster label per point, same length
     * @throws IllegalArgumentException if the lengths differ
     */
    public static double compute(int[] labelsA, int[] labelsB) {
        Objects.requireNonNull(labelsA, "labelsA");
        Objects.requireNonNull(labelsB, "labelsB");
        if (labelsA.length != labelsB.length) {
            throw new IllegalArgumentException(
                    "label arrays differ in length: " + labelsA.length + " vs " + labelsB.length);
        }
        int n = labelsA.length;
        if (n < 2) {
            return 1.0;
        }
        int[] a = dense(labelsA);
        int[] b = dense(labelsB);
        int rows = max(a) + 1;
        int columns = max(b) + 1;
        long[] rowSums = new long[rows];
        long[] columnSums = new long[columns];
        Map<Long, Long> cells = new HashMap<>();
        for (int i = 0; i < n; i++) {
            rowSums[a[i]]++;
            columnSums[b[i]]++;
            cells.merge((long) a[i] * columns + b[i], 1L, Long::sum);
        }
        double index = 0;
        for (long count : cells.values()) {
            index += pairs(count);
        }
        double rowPairs = 0;
        for (long count : rowSums) {
            rowPairs += pairs(count);
        }
        double columnPairs = 0;
        for (long count : columnSums) {
            columnPairs += pairs(count);
        }
        double expected = rowPairs * columnPairs / pairs(n);
        double max = (rowPairs + columnPairs) / 2;
        if (max == expected) {
            return 1.0;
        }
        return (index - expected) / (max - expected);
    }

    private static double pairs(long count) {
        return count * (count - 1) / 2.0;
    }

    /** Renames labels to 0, 1, 2, ... in order of first appearance. */
    private static int[] dense(int[] labels) {
        Map<Integer, Integer> ids = new HashMap<>();
        int[] dense = new int[labels.length];
        for (int i = 0; i < labels.length; i++) {
            dense[i] = ids.computeIfAbsent(labels[i], label -> ids.size());
        }
        return dense;
    }

    private static int max(int[] values) {
        int max = 0;
        for (int v : values) {
            max = Math.max(max, v);
        }
        return max;
    }
}
