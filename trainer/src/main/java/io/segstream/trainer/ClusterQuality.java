package io.segstream.trainer;

import io.segstream.core.math.Vectors;
import java.util.List;

/**
 * Internal quality measures of a clustering: inertia, silhouette (mean over a sample, it costs
 * O(n²)), Davies–Bouldin (lower is better) and Calinski–Harabasz (higher is better).
 */
public record ClusterQuality(
        double inertia, double silhouette, double daviesBouldin, double calinskiHarabasz) {

    /** Points beyond this are subsampled (evenly) for the silhouette. */
    static final int SILHOUETTE_SAMPLE = 2000;

    public static ClusterQuality of(List<double[]> points, int[] labels, List<double[]> centers) {
        int k = centers.size();
        int d = points.get(0).length;
        int n = points.size();
        double[] mean = new double[d];
        for (double[] p : points) {
            for (int j = 0; j < d; j++) {
                mean[j] += p[j] / n;
            }
        }
        int[] sizes = new int[k];
        double[] scatter = new double[k]; // mean distance of members to their centre
        double inertia = 0;
        for (int i = 0; i < n; i++) {
            double d2 = Vectors.squaredDistance(points.get(i), centers.get(labels[i]));
            inertia += d2;
            sizes[labels[i]]++;
            scatter[labels[i]] += Math.sqrt(d2);
        }
        double between = 0;
        for (int c = 0; c < k; c++) {
            scatter[c] = sizes[c] == 0 ? 0 : scatter[c] / sizes[c];
            between += sizes[c] * Vectors.squaredDistance(centers.get(c), mean);
        }
        double db = 0;
        int used = 0;
        for (int a = 0; a < k; a++) {
            if (sizes[a] == 0) {
                continue;
            }
            double worst = 0;
            for (int b = 0; b < k; b++) {
                if (b != a && sizes[b] > 0) {
                    double sep = Math.sqrt(Vectors.squaredDistance(centers.get(a), centers.get(b)));
                    worst = Math.max(worst, (scatter[a] + scatter[b]) / Math.max(sep, 1e-12));
                }
            }
            db += worst;
            used++;
        }
        double ch = used < 2 || n == used ? 0 : (between / (used - 1)) / (inertia / (n - used));
        return new ClusterQuality(
                inertia, silhouette(points, labels, k), used == 0 ? 0 : db / used, ch);
    }

    /** Mean silhouette over an even subsample: (b - a) / max(a, b) per point. */
    static double silhouette(List<double[]> points, int[] labels, int k) {
        int n = points.size();
        int step = Math.max(1, (n + SILHOUETTE_SAMPLE - 1) / SILHOUETTE_SAMPLE);
        int[] sample = java.util.stream.IntStream.iterate(0, i -> i < n, i -> i + step).toArray();
        double total = 0;
        int counted = 0;
        for (int i : sample) {
            double[] sum = new double[k];
            int[] count = new int[k];
            for (int j : sample) {
                if (j != i) {
                    sum[labels[j]] +=
                            Math.sqrt(Vectors.squaredDistance(points.get(i), points.get(j)));
                    count[labels[j]]++;
                }
            }
            int own = labels[i];
            if (count[own] == 0) {
                continue; // a singleton's silhouette is 0 by convention
            }
            double a = sum[own] / count[own];
            double b = Double.POSITIVE_INFINITY;
            for (int c = 0; c < k; c++) {
                if (c != own && count[c] > 0) {
                    b = Math.min(b, sum[c] / count[c]);
                }
            }
            if (Double.isFinite(b)) {
                total += (b - a) / Math.max(a, b);
            }
            counted++;
        }
        return counted == 0 ? 0 : total / sample.length;
    }
}
