package io.segstream.core.clustering;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Offline k-means for the trainer and for seeding and re-fitting the online model: k-means++
 * seeding, Lloyd refinement, best-of-restarts, single-centre swaps, and as many centres as each
 * explain enough of the variance.
 *
 * <p>Seeding (Arthur and Vassilvitskii 2007) picks the first centre uniformly and each further
 * centre with probability proportional to its squared distance D² to the nearest centre chosen so
 * far, which spreads the centres over the data and makes Lloyd's result O(log k)-competitive in
 * expectation. As in scikit-learn, each step draws {@code 2 + floor(ln k)} candidates by D²
 * sampling and keeps the one that lowers the total D² most ("greedy k-means++"): one unlucky draw
 * no longer puts two centres in one blob.
 *
 * <p>Lloyd iterations alternate assigning every point to its nearest centre and moving each centre
 * to the mean of its points, until no centre moves more than the tolerance. A centre left with no
 * points is moved to the point farthest from its own centre, so k is kept.
 *
 * <p>Everything is deterministic for a seed ({@link SplittableRandom}), so a trainer run can be
 * reproduced from the seed recorded in the model's provenance. Ties go to the lower centre index.
 */
public final class KMeansPlusPlus {

    /** Lloyd iterations {@link #fit(List, int, int, long)} allows per restart. */
    public static final int DEFAULT_MAX_ITERATIONS = 300;

    /**
     * Largest centre movement at which {@link #fit(List, int, int, long)} stops: 0, i.e. run until
     * the assignment no longer changes (or the iteration limit).
     */
    public static final double DEFAULT_TOLERANCE = 0.0;

    /** Placements {@link #resize} tries for a centre it may add. */
    static final int GROW_TRIES = 5;

    private KMeansPlusPlus() {}

    /**
     * Chooses {@code k} initial centres from {@code points} by greedy k-means++ D² sampling.
     * Duplicate points are fine: once a value is chosen its copies have D² = 0 and are never chosen
     * again, so the centres are distinct.
     *
     * @return copies of the chosen points, in the order chosen
     * @throws IllegalArgumentException if {@code k < 1}, the points are empty, not finite or of
     *     mixed dimension, or {@code k} exceeds the number of distinct points
     */
    public static List<double[]> seed(List<double[]> points, int k, long seed) {
        Euclidean.requirePoints(points, "points");
        requireDistinctAtLeast(points, k);
        SplittableRandom random = new SplittableRandom(seed);
        int n = points.size();
        int trials = 2 + (int) Math.log(k);

        List<double[]> centers = new ArrayList<>(k);
        double[] first = points.get(random.nextInt(n));
        centers.add(first.clone());
        double[] nearest = new double[n];
        double potential = 0;
        for (int i = 0; i < n; i++) {
            nearest[i] = Euclidean.squaredDistance(points.get(i), first);
            potential += nearest[i];
        }
        while (centers.size() < k) {
            double[] c = points.get(greedyCandidate(points, nearest, potential, trials, random));
            centers.add(c.clone());
            potential = 0;
            for (int i = 0; i < n; i++) {
                nearest[i] = Math.min(nearest[i], Euclidean.squaredDistance(points.get(i), c));
                potential += nearest[i];
            }
        }
        return List.copyOf(centers);
    }

    /**
     * Runs Lloyd iterations from {@code initialCenters} until no centre moves farther than {@code
     * tolerance} (Euclidean) in one iteration, or {@code maxIterations} have run. The returned
     * labels and inertia are those of the returned centres.
     *
     * @throws IllegalArgumentException if points or centres are empty, not finite or of mixed
     *     dimension, {@code maxIterations < 1} or {@code tolerance} is negative or NaN
     */
    public static KMeansFit refine(
            List<double[]> points,
            List<double[]> initialCenters,
            int maxIterations,
            double tolerance) {
        int dimension = Euclidean.requirePoints(points, "points");
        Euclidean.requirePoints(initialCenters, "initialCenters");
        Euclidean.requireDimension(initialCenters.get(0), dimension, "initialCenters[0]");
        if (maxIterations < 1) {
            throw new IllegalArgumentException("maxIterations must be >= 1, was " + maxIterations);
        }
        if (!(tolerance >= 0)) {
            throw new IllegalArgumentException("tolerance must be >= 0, was " + tolerance);
        }
        int n = points.size();
        int k = initialCenters.size();
        double[][] centers = new double[k][];
        for (int c = 0; c < k; c++) {
            centers[c] = initialCenters.get(c).clone();
        }
        int[] labels = new int[n];
        double[] squared = new double[n];
        int iterations = 0;
        while (iterations < maxIterations) {
            iterations++;
            assign(points, centers, labels, squared);
            double[][] means = new double[k][dimension];
            long[] counts = new long[k];
            for (int i = 0; i < n; i++) {
                double[] p = points.get(i);
                double[] mean = means[labels[i]];
                for (int j = 0; j < dimension; j++) {
                    mean[j] += p[j];
                }
                counts[labels[i]]++;
            }
            for (int c = 0; c < k; c++) {
                if (counts[c] > 0) {
                    for (int j = 0; j < dimension; j++) {
                        means[c][j] /= counts[c];
                    }
                } else {
                    int farthest = 0;
                    for (int i = 1; i < n; i++) {
                        if (squared[i] > squared[farthest]) {
                            farthest = i;
                        }
                    }
                    means[c] = points.get(farthest).clone();
                    squared[farthest] = 0;
                }
            }
            double largestShift = 0;
            for (int c = 0; c < k; c++) {
                largestShift =
                        Math.max(
                                largestShift,
                                Math.sqrt(Euclidean.squaredDistance(centers[c], means[c])));
            }
            centers = means;
            if (largestShift <= tolerance) {
                break;
            }
        }
        double inertia = assign(points, centers, labels, squared);
        return new KMeansFit(Arrays.asList(centers), labels, inertia, iterations);
    }

    /**
     * The best of {@code restarts} runs of k-means++ seeding plus Lloyd refinement (at most {@link
     * #DEFAULT_MAX_ITERATIONS}, {@link #DEFAULT_TOLERANCE}), by lowest inertia; an earlier restart
     * wins a tie. Restart {@code r} is seeded from the {@code r}-th value of a generator seeded
     * with {@code seed}.
     *
     * @throws IllegalArgumentException as {@link #seed} does, or if {@code restarts < 1}
     */
    public static KMeansFit fit(List<double[]> points, int k, int restarts, long seed) {
        return fit(points, k, restarts, seed, DEFAULT_MAX_ITERATIONS, DEFAULT_TOLERANCE);
    }

    /** As {@link #fit(List, int, int, long)}, with the Lloyd limits of {@link #refine}. */
    public static KMeansFit fit(
            List<double[]> points,
            int k,
            int restarts,
            long seed,
            int maxIterations,
            double tolerance) {
        if (restarts < 1) {
            throw new IllegalArgumentException("restarts must be >= 1, was " + restarts);
        }
        SplittableRandom seeds = new SplittableRandom(seed);
        KMeansFit best = null;
        for (int r = 0; r < restarts; r++) {
            List<double[]> centers = seed(points, k, seeds.nextLong());
            KMeansFit candidate = refine(points, centers, maxIterations, tolerance);
            if (best == null || candidate.inertia() < best.inertia()) {
                best = candidate;
            }
        }
        return best;
    }

    /**
     * The best single swap from {@code from}, a local optimum of Lloyd's: each centre in turn is
     * removed, a new one is placed by greedy D² sampling against the others, and Lloyd refines the
     * result. The lowest inertia wins; {@code from} itself when no swap lowers it.
     *
     * <p>Lloyd cannot leave a local optimum in which two centres share one group while another
     * group has none; a swap can, and it moves only the members of the two centres involved. This
     * is one step of Fränti's random swap clustering (2018), with every centre tried instead of a
     * random one. Costs k refinements.
     */
    public static KMeansFit swap(
            List<double[]> points, KMeansFit from, long seed, int maxIterations, double tolerance) {
        int k = from.centers().size();
        if (k < 2) {
            return from;
        }
        SplittableRandom random = new SplittableRandom(seed);
        int n = points.size();
        int trials = 2 + (int) Math.log(k);
        KMeansFit best = from;
        for (int removed = 0; removed < k; removed++) {
            List<double[]> kept = new ArrayList<>(from.centers());
            kept.remove(removed);
            double[] nearest = new double[n];
            double potential = 0;
            for (int i = 0; i < n; i++) {
                double d = Double.POSITIVE_INFINITY;
                for (double[] c : kept) {
                    d = Math.min(d, Euclidean.squaredDistance(points.get(i), c));
                }
                nearest[i] = d;
                potential += d;
            }
            int chosen = greedyCandidate(points, nearest, potential, trials, random);
            List<double[]> start = new ArrayList<>(from.centers());
            start.set(removed, points.get(chosen).clone());
            KMeansFit candidate = refine(points, start, maxIterations, tolerance);
            if (candidate.inertia() < best.inertia()) {
                best = candidate;
            }
        }
        return best;
    }

    /**
     * {@code from} with as many centres, between {@code minK} and {@code maxK}, as each explain at
     * least {@code minGain} of the points' total variance (their inertia about one centre, the
     * mean): while the centre whose removal, after Lloyd's refinement of the rest, would raise the
     * inertia least would raise it by less than that, it is removed; if none was, while one more
     * centre (the best of {@link #GROW_TRIES} placements by greedy D² sampling, each refined) would
     * lower the inertia by at least that, it is added.
     *
     * <p>k-means puts every centre it is given to use: with one group too few in the data, the
     * spare centre splits a group in two, and the boundary through the group's middle moves its
     * members back and forth as their profiles change. A split explains little of the variance
     * between customers, a real group much. Measured against the total variance rather than the
     * current inertia, a split of a tight group is not mistaken for a large gain. 0 returns {@code
     * from}.
     */
    public static KMeansFit resize(
            List<double[]> points,
            KMeansFit from,
            int minK,
            int maxK,
            double minGain,
            long seed,
            int maxIterations,
            double tolerance) {
        if (!(minGain >= 0)) {
            throw new IllegalArgumentException("minGain must be >= 0, was " + minGain);
        }
        if (minGain == 0) {
            return from;
        }
        double least = minGain * inertiaAboutMean(points);
        KMeansFit fit = from;
        boolean removed = false;
        while (fit.centers().size() > Math.max(1, minK)) {
            KMeansFit fewer = null;
            for (int c = 0; c < fit.centers().size(); c++) {
                List<double[]> kept = new ArrayList<>(fit.centers());
                kept.remove(c);
                KMeansFit candidate = refine(points, kept, maxIterations, tolerance);
                if (fewer == null || candidate.inertia() < fewer.inertia()) {
                    fewer = candidate;
                }
            }
            if (fewer.inertia() - fit.inertia() >= least) {
                break;
            }
            fit = fewer;
            removed = true;
        }
        SplittableRandom random = new SplittableRandom(seed);
        int n = points.size();
        while (!removed && fit.centers().size() < Math.min(maxK, n)) {
            KMeansFit more = grow(points, fit, random, maxIterations, tolerance);
            if (more == null || fit.inertia() - more.inertia() < least) {
                break;
            }
            fit = more;
        }
        return fit;
    }

    /**
     * Of {@code trials} points drawn by D² sampling against {@code nearest} (each point's squared
     * distance to the centres so far, summing to {@code potential}), the one that would lower the
     * total D² most as a further centre ("greedy k-means++").
     */
    private static int greedyCandidate(
            List<double[]> points,
            double[] nearest,
            double potential,
            int trials,
            SplittableRandom random) {
        int best = -1;
        double bestPotential = Double.POSITIVE_INFINITY;
        for (int t = 0; t < trials; t++) {
            int candidate = sampleBySquaredDistance(nearest, potential, random);
            double[] c = points.get(candidate);
            double candidatePotential = 0;
            for (int i = 0; i < nearest.length; i++) {
                candidatePotential +=
                        Math.min(nearest[i], Euclidean.squaredDistance(points.get(i), c));
            }
            if (candidatePotential < bestPotential) {
                best = candidate;
                bestPotential = candidatePotential;
            }
        }
        return best;
    }

    /**
     * The best of {@link #GROW_TRIES} fits with one more centre, each placed by greedy D² sampling
     * and refined; null when every point already is a centre. One placement can land on a stray
     * customer and refine to a local optimum that undersells the group it should have found.
     */
    private static KMeansFit grow(
            List<double[]> points,
            KMeansFit fit,
            SplittableRandom random,
            int maxIterations,
            double tolerance) {
        int n = points.size();
        double[] nearest = new double[n];
        double potential = 0;
        for (int i = 0; i < n; i++) {
            nearest[i] =
                    Euclidean.squaredDistance(points.get(i), fit.centers().get(fit.labels()[i]));
            potential += nearest[i];
        }
        if (potential == 0) {
            return null;
        }
        int trials = 2 + (int) Math.log(fit.centers().size() + 1);
        KMeansFit best = null;
        for (int t = 0; t < GROW_TRIES; t++) {
            List<double[]> start = new ArrayList<>(fit.centers());
            start.add(
                    points.get(greedyCandidate(points, nearest, potential, trials, random))
                            .clone());
            KMeansFit more = refine(points, start, maxIterations, tolerance);
            if (best == null || more.inertia() < best.inertia()) {
                best = more;
            }
        }
        return best;
    }

    private static double inertiaAboutMean(List<double[]> points) {
        double[] mean = new double[points.get(0).length];
        for (double[] p : points) {
            for (int j = 0; j < mean.length; j++) {
                mean[j] += p[j] / points.size();
            }
        }
        double inertia = 0;
        for (double[] p : points) {
            inertia += Euclidean.squaredDistance(p, mean);
        }
        return inertia;
    }

    /** Labels each point with its nearest centre; fills squared distances; returns their sum. */
    private static double assign(
            List<double[]> points, double[][] centers, int[] labels, double[] squared) {
        double inertia = 0;
        for (int i = 0; i < labels.length; i++) {
            double[] p = points.get(i);
            int best = 0;
            double bestSquared = Euclidean.squaredDistance(p, centers[0]);
            for (int c = 1; c < centers.length; c++) {
                double d = Euclidean.squaredDistance(p, centers[c]);
                if (d < bestSquared) {
                    best = c;
                    bestSquared = d;
                }
            }
            labels[i] = best;
            squared[i] = bestSquared;
            inertia += bestSquared;
        }
        return inertia;
    }

    /** Index drawn with probability proportional to {@code weights[i]}; their sum is positive. */
    private static int sampleBySquaredDistance(
            double[] weights, double total, SplittableRandom random) {
        double target = random.nextDouble() * total;
        double cumulative = 0;
        int lastPositive = -1;
        for (int i = 0; i < weights.length; i++) {
            if (weights[i] > 0) {
                cumulative += weights[i];
                lastPositive = i;
                if (cumulative > target) {
                    return i;
                }
            }
        }
        return lastPositive; // rounding left the target just past the last positive weight
    }

    /**
     * How many distinct values {@code points} hold, counted up to {@code cap}: the most centres
     * {@link #seed} can choose from them.
     */
    public static int distinctCount(List<double[]> points, int cap) {
        Set<Key> distinct = new HashSet<>();
        for (double[] p : points) {
            distinct.add(new Key(p));
            if (distinct.size() >= cap) {
                break;
            }
        }
        return distinct.size();
    }

    private static void requireDistinctAtLeast(List<double[]> points, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, was " + k);
        }
        int distinct = distinctCount(points, k);
        if (distinct < k) {
            throw new IllegalArgumentException(
                    "cannot choose k="
                            + k
                            + " distinct centres from "
                            + points.size()
                            + " points with only "
                            + distinct
                            + " distinct values; lower k or supply more varied data");
        }
    }

    /** A point compared by value, with -0.0 and 0.0 equal as they are for distances. */
    private static final class Key {
        private final double[] values;
        private final int hash;

        private Key(double[] point) {
            values = new double[point.length];
            for (int i = 0; i < point.length; i++) {
                values[i] = point[i] + 0.0;
            }
            hash = Arrays.hashCode(values);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key other && Arrays.equals(values, other.values);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
