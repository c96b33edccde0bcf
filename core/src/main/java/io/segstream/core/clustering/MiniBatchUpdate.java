package io.segstream.core.clustering;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Applies one mini-batch of per-centroid sums to the model: online mini-batch k-means (Sculley
 * 2010) with the forgetful decay of Spark's {@code StreamingKMeans}.
 *
 * <p>Update rule. For a cluster with centre {@code c} and weight {@code n} that received {@code m}
 * points with vector sum {@code s} in this batch, and decay {@code a}:
 *
 * <pre>
 *   c' = (c * n * a + s) / (n * a + m)
 *   n' = n * a + m
 * </pre>
 *
 * A cluster that received no points only decays: {@code c' = c, n' = n * a}. The new centre is the
 * weighted mean of the old centre, worth {@code n * a} points, and the batch, so each centre has a
 * learning rate of {@code m / (n * a + m)} that shrinks as evidence accumulates.
 *
 * <p>Idle clusters. Points here are events, not customers, and a segment of customers who have
 * stopped buying receives no events for as long as they stay idle, yet they are still that
 * segment's customers. Decayed, its weight falls towards zero over a few hundred batches (minutes
 * of a large shop's stream); the first event to land there then moves the whole centre onto one
 * customer, or reseeding gives the segment away. From events alone an idle segment cannot be told
 * from a dead centre, so where periodic re-fits on a panel of users revive dead centres, an update
 * built with {@code decayIdle = false} leaves idle clusters as they are. Without re-fits, Spark's
 * rule (every cluster decays) is what lets reseeding revive a dead centre.
 *
 * <p>Decay. {@code a} in {@code (0, 1]} discounts old evidence geometrically, once per batch, so
 * the model follows drift in customer behaviour at a known rate: after {@code h} batches, where
 * {@code a = 0.5^(1/h)} ({@link #decayForHalfLife}), old points count half. {@code a = 1} never
 * forgets (plain mini-batch k-means).
 *
 * <p>Reseeding. After the update, a cluster whose weight is below {@code reseedFraction * total /
 * k} has (almost) stopped attracting points; left alone it would stay a dead segment. Each such
 * cluster, lightest first, is moved next to the currently heaviest cluster, at distance {@code 1e-3
 * * |heaviest centre|} (or {@code 1e-3} for a zero centre) in a pseudo-random direction, and the
 * heaviest cluster's weight is split evenly between the two; the dying cluster's own weight is
 * dropped. The two then divide the heaviest region between them over the next batches. {@code
 * reseedFraction} must be below 0.5, which guarantees that the heaviest cluster always outweighs a
 * dying one; 0 disables reseeding.
 *
 * <p>Deterministic: the same model, deltas and seed give the same result bit for bit, so a
 * coordinator replaying its input publishes the same model versions. Immutable and thread-safe.
 */
public final class MiniBatchUpdate {

    /** Distance of a reseeded centre from the heaviest, relative to the heaviest centre's norm. */
    static final double RESEED_OFFSET = 1e-3;

    private final double decay;
    private final double reseedFraction;
    private final long seed;
    private final boolean decayIdle;

    /** Spark's rule: every cluster decays, those without points included. */
    public MiniBatchUpdate(double decay, double reseedFraction, long seed) {
        this(decay, reseedFraction, seed, true);
    }

    /**
     * @param decay the factor {@code a} in {@code (0, 1]} applied to every weight once per batch
     * @param reseedFraction in {@code [0, 0.5)}: a cluster lighter than this fraction of the mean
     *     cluster weight is reseeded; e.g. 0.05
     * @param seed makes the reseeding perturbation reproducible
     * @param decayIdle whether a cluster that received no points decays too
     */
    public MiniBatchUpdate(double decay, double reseedFraction, long seed, boolean decayIdle) {
        if (!(decay > 0 && decay <= 1)) {
            throw new IllegalArgumentException("decay must be in (0, 1], was " + decay);
        }
        if (!(reseedFraction >= 0 && reseedFraction < 0.5)) {
            throw new IllegalArgumentException(
                    "reseedFraction must be in [0, 0.5), was " + reseedFraction);
        }
        this.decay = decay;
        this.reseedFraction = reseedFraction;
        this.seed = seed;
        this.decayIdle = decayIdle;
    }

    /** An update whose decay halves old evidence every {@code halfLifeBatches} batches. */
    public static MiniBatchUpdate forHalfLife(
            double halfLifeBatches, double reseedFraction, long seed) {
        return forHalfLife(halfLifeBatches, reseedFraction, seed, true);
    }

    /** As {@link #forHalfLife(double, double, long)}, choosing whether idle clusters decay. */
    public static MiniBatchUpdate forHalfLife(
            double halfLifeBatches, double reseedFraction, long seed, boolean decayIdle) {
        return new MiniBatchUpdate(
                decayForHalfLife(halfLifeBatches), reseedFraction, seed, decayIdle);
    }

    /**
     * The decay {@code a = 0.5^(1 / halfLife)}, so that {@code a^halfLife = 0.5}.
     *
     * @param halfLifeBatches in batches, {@code > 0}; positive infinity gives 1 (never forget)
     */
    public static double decayForHalfLife(double halfLifeBatches) {
        if (!(halfLifeBatches > 0)) {
            throw new IllegalArgumentException(
                    "halfLifeBatches must be > 0, was " + halfLifeBatches);
        }
        return Math.pow(0.5, 1 / halfLifeBatches);
    }

    public double decay() {
        return decay;
    }

    public double reseedFraction() {
        return reseedFraction;
    }

    public long seed() {
        return seed;
    }

    /**
     * Applies one batch of deltas to {@code current}.
     *
     * @param current the model's clusters, not empty, one dimension, distinct segment ids
     * @param deltas the batch, keyed by segment id; segments without a delta only decay. The
     *     coordinator must drop deltas computed against another model lineage first.
     * @return the updated clusters in the order of {@code current}, and the reseeded segment ids
     * @throws IllegalArgumentException if a delta names a segment that is not in {@code current}, a
     *     key differs from its delta's segment id, or dimensions differ
     */
    public UpdateResult apply(List<Cluster> current, Map<Integer, ClusterDelta> deltas) {
        Objects.requireNonNull(current, "current");
        Objects.requireNonNull(deltas, "deltas");
        if (current.isEmpty()) {
            throw new IllegalArgumentException("cannot update a model without clusters");
        }
        int dimension = current.get(0).dimension();
        Set<Integer> ids = new HashSet<>();
        for (Cluster cluster : current) {
            if (cluster.dimension() != dimension) {
                throw new IllegalArgumentException(
                        "segment "
                                + cluster.segmentId()
                                + " has dimension "
                                + cluster.dimension()
                                + ", expected "
                                + dimension);
            }
            if (!ids.add(cluster.segmentId())) {
                throw new IllegalArgumentException(
                        "segment " + cluster.segmentId() + " appears twice in the model");
            }
        }
        deltas.forEach(
                (id, delta) -> {
                    if (id == null || delta == null || id != delta.segmentId()) {
                        throw new IllegalArgumentException(
                                "delta map key " + id + " does not match its delta " + delta);
                    }
                    if (!ids.contains(id)) {
                        throw new IllegalArgumentException(
                                "delta for segment " + id + " which is not in the model " + ids);
                    }
                    if (delta.dimension() != dimension) {
                        throw new IllegalArgumentException(
                                "delta for segment "
                                        + id
                                        + " has dimension "
                                        + delta.dimension()
                                        + ", expected "
                                        + dimension);
                    }
                });

        int k = current.size();
        double[][] centers = new double[k][];
        double[] weights = new double[k];
        for (int i = 0; i < k; i++) {
            Cluster cluster = current.get(i);
            double[] center = cluster.center();
            ClusterDelta delta = deltas.get(cluster.segmentId());
            long m = delta == null ? 0 : delta.count();
            double decayed = m > 0 || decayIdle ? cluster.weight() * decay : cluster.weight();
            if (m > 0) {
                double[] sum = delta.sum();
                double denominator = decayed + m;
                for (int j = 0; j < dimension; j++) {
                    center[j] = (center[j] * decayed + sum[j]) / denominator;
                }
            }
            centers[i] = center;
            weights[i] = decayed + m;
        }

        List<Integer> reseeded = reseed(current, centers, weights);

        List<Cluster> updated = new ArrayList<>(k);
        for (int i = 0; i < k; i++) {
            updated.add(new Cluster(current.get(i).segmentId(), centers[i], weights[i]));
        }
        return new UpdateResult(updated, reseeded);
    }

    /** Moves dying clusters next to the heaviest, in place; returns their ids, ascending. */
    private List<Integer> reseed(List<Cluster> current, double[][] centers, double[] weights) {
        int k = weights.length;
        double total = 0;
        for (double w : weights) {
            total += w;
        }
        double threshold = reseedFraction * total / k;
        List<Integer> dying = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            if (weights[i] < threshold) {
                dying.add(i);
            }
        }
        dying.sort(
                Comparator.<Integer>comparingDouble(i -> weights[i])
                        .thenComparingInt(i -> current.get(i).segmentId()));
        List<Integer> reseeded = new ArrayList<>();
        for (int i : dying) {
            int heaviest = 0;
            for (int h = 1; h < k; h++) {
                if (weights[h] > weights[heaviest]) {
                    heaviest = h;
                }
            }
            int segmentId = current.get(i).segmentId();
            centers[i] = nextTo(centers[heaviest], segmentId);
            double half = weights[heaviest] / 2;
            weights[heaviest] = half;
            weights[i] = half;
            reseeded.add(segmentId);
        }
        reseeded.sort(Comparator.naturalOrder());
        return reseeded;
    }

    /** {@code center} plus an offset of length {@code 1e-3 * |center|} in a seeded direction. */
    private double[] nextTo(double[] center, int segmentId) {
        SplittableRandom random =
                new SplittableRandom(
                        seed ^ (0x9E3779B97F4A7C15L * (31L * segmentId + Arrays.hashCode(center))));
        double[] direction = new double[center.length];
        for (int j = 0; j < direction.length; j++) {
            direction[j] = random.nextGaussian();
        }
        double length = Euclidean.norm(direction);
        if (length == 0) {
            direction[0] = 1;
            length = 1;
        }
        double norm = Euclidean.norm(center);
        double scale = RESEED_OFFSET * (norm > 0 ? norm : 1) / length;
        double[] moved = center.clone();
        for (int j = 0; j < moved.length; j++) {
            moved[j] += direction[j] * scale;
        }
        return moved;
    }
}
