package io.segstream.trainer;

import io.segstream.core.clustering.AdjustedRandIndex;
import io.segstream.core.clustering.KMeansFit;
import io.segstream.core.clustering.KMeansPlusPlus;
import io.segstream.core.math.Vectors;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Picks k by silhouette and bootstrap stability: for each candidate k, the silhouette of a fit on
 * all points, and the mean adjusted Rand index between that fit and fits on bootstrap resamples
 * (each labelling every point by its nearest resampled centre). The pick is the k with the best
 * silhouette among those whose stability is within 0.05 of the most stable; the reasons are kept.
 */
public final class KSelection {

    /** One candidate's scores. */
    public record Candidate(int k, double silhouette, double stability, double inertia) {}

    /** The pick and why. */
    public record Choice(int k, List<Candidate> candidates, String reason) {}

    private KSelection() {}

    public static Choice choose(
            List<double[]> points, int minK, int maxK, int restarts, int bootstraps, long seed) {
        if (minK < 2 || maxK < minK) {
            throw new IllegalArgumentException(
                    "A k range needs 2 <= min <= max, was " + minK + ".." + maxK);
        }
        List<Candidate> candidates = new ArrayList<>();
        for (int k = minK; k <= Math.min(maxK, points.size() - 1); k++) {
            KMeansFit full = KMeansPlusPlus.fit(points, k, restarts, seed);
            double silhouette = ClusterQuality.silhouette(points, full.labels(), k);
            candidates.add(
                    new Candidate(
                            k,
                            silhouette,
                            stability(points, full, k, restarts, bootstraps, seed),
                            full.inertia()));
        }
        double mostStable = candidates.stream().mapToDouble(Candidate::stability).max().orElse(0);
        Candidate best =
                candidates.stream()
                        .filter(c -> c.stability() >= mostStable - 0.05)
                        .max(java.util.Comparator.comparingDouble(Candidate::silhouette))
                        .orElseThrow();
        String reason =
                String.format(
                        Locale.ROOT,
                        "k=%d has the best silhouette (%.3f) among the candidates whose bootstrap"
                                + " stability is within 0.05 of the most stable (%.3f); its own"
                                + " stability is %.3f",
                        best.k(),
                        best.silhouette(),
                        mostStable,
                        best.stability());
        return new Choice(best.k(), List.copyOf(candidates), reason);
    }

    /** Mean ARI between {@code full} and fits on bootstrap resamples, over all points. */
    static double stability(
            List<double[]> points, KMeansFit full, int k, int restarts, int bootstraps, long seed) {
        SplittableRandom random = new SplittableRandom(seed ^ (31L * k));
        double total = 0;
        for (int b = 0; b < bootstraps; b++) {
            List<double[]> resample = new ArrayList<>(points.size());
            for (int i = 0; i < points.size(); i++) {
                resample.add(points.get(random.nextInt(points.size())));
            }
            KMeansFit fit = KMeansPlusPlus.fit(resample, k, restarts, random.nextLong());
            total += AdjustedRandIndex.compute(full.labels(), nearest(points, fit.centers()));
        }
        return total / bootstraps;
    }

    static int[] nearest(List<double[]> points, List<double[]> centers) {
        int[] labels = new int[points.size()];
        for (int i = 0; i < labels.length; i++) {
            double best = Double.POSITIVE_INFINITY;
            for (int c = 0; c < centers.size(); c++) {
                double d = Vectors.squaredDistance(points.get(i), centers.get(c));
                if (d < best) {
                    best = d;
                    labels[i] = c;
                }
            }
        }
        return labels;
    }
}
