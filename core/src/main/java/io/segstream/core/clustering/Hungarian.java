package io.segstream.core.clustering;

import java.util.Arrays;

/**
 * Optimal assignment (Kuhn–Munkres, the Hungarian method) in O(n² m): matches each of n rows to a
 * distinct one of m >= n columns so that the total cost is smallest. Used to keep segment ids
 * stable when a model is re-fitted: new centres are matched to old ones by distance.
 */
public final class Hungarian {

    private Hungarian() {}

    /**
     * The column matched to each row of {@code cost} (n rows, m >= n columns, finite values).
     *
     * @throws IllegalArgumentException for more rows than columns, ragged rows or non-finite costs
     */
    public static int[] solve(double[][] cost) {
        int n = cost.length;
        if (n == 0) {
            return new int[0];
        }
        int m = cost[0].length;
        if (n > m) {
            throw new IllegalArgumentException(
                    "Cannot match " + n + " rows to only " + m + " columns; transpose the costs");
        }
        for (double[] row : cost) {
            if (row.length != m) {
                throw new IllegalArgumentException("Cost rows differ in length");
            }
            for (double c : row) {
                if (!Double.isFinite(c)) {
                    throw new IllegalArgumentException("Costs must be finite, got " + c);
                }
            }
        }
        // potentials u (rows) and v (columns); p[j] = row matched to column j, 1-based, 0 = none
        double[] u = new double[n + 1];
        double[] v = new double[m + 1];
        int[] p = new int[m + 1];
        int[] way = new int[m + 1];
        for (int i = 1; i <= n; i++) {
            p[0] = i;
            int j0 = 0;
            double[] minv = new double[m + 1];
            Arrays.fill(minv, Double.POSITIVE_INFINITY);
            boolean[] used = new boolean[m + 1];
            do {
                used[j0] = true;
                int i0 = p[j0];
                double delta = Double.POSITIVE_INFINITY;
                int j1 = 0;
                for (int j = 1; j <= m; j++) {
                    if (!used[j]) {
                        double reduced = cost[i0 - 1][j - 1] - u[i0] - v[j];
                        if (reduced < minv[j]) {
                            minv[j] = reduced;
                            way[j] = j0;
                        }
                        if (minv[j] < delta) {
                            delta = minv[j];
                            j1 = j;
                        }
                    }
                }
                for (int j = 0; j <= m; j++) {
                    if (used[j]) {
                        u[p[j]] += delta;
                        v[j] -= delta;
                    } else {
                        minv[j] -= delta;
                    }
                }
                j0 = j1;
            } while (p[j0] != 0);
            do {
                int j1 = way[j0];
                p[j0] = p[j1];
                j0 = j1;
            } while (j0 != 0);
        }
        int[] match = new int[n];
        for (int j = 1; j <= m; j++) {
            if (p[j] != 0) {
                match[p[j] - 1] = j - 1;
            }
        }
        return match;
    }
}
