package io.segstream.core.clustering;

import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * Assigns a feature vector to its nearest centroid (Euclidean), with hysteresis.
 *
 * <p>Rule: let {@code b} be the nearest centroid and {@code c} the user's current one. A user with
 * no current segment goes to {@code b}. A user whose current segment still exists moves to {@code
 * b} only if {@code dist(x, b) < (1 - margin) * dist(x, c)}; otherwise it stays in {@code c}. A
 * user whose current segment has left the model goes to {@code b}. Why: a user near a boundary
 * whose profile wobbles, or whose centroids drift by a little each mini-batch, would otherwise flap
 * between two segments and emit a change event each time. With {@code margin = 0} this is plain
 * nearest-centroid assignment (a tie keeps the current segment).
 *
 * <p>Ties between equally near centroids go to the one listed first. Immutable and thread-safe.
 */
public final class NearestCentroid {

    private final double margin;

    /**
     * @param margin the fraction by which a new centroid must be closer than the current one, in
     *     {@code [0, 1)}; e.g. 0.1 means at least 10% closer
     */
    public NearestCentroid(double margin) {
        if (!(margin >= 0 && margin < 1)) {
            throw new IllegalArgumentException("margin must be in [0, 1), was " + margin);
        }
        this.margin = margin;
    }

    public double margin() {
        return margin;
    }

    /**
     * @param x the user's feature vector, finite, of the model's dimension
     * @param clusters the model's centroids, not empty
     * @param currentSegment the user's current segment, or {@code null} if it has none yet
     * @throws IllegalArgumentException if {@code clusters} is empty, or {@code x} is not finite or
     *     has another dimension than the centroids
     */
    public Assignment assign(double[] x, List<Cluster> clusters, Integer currentSegment) {
        Euclidean.requireFinite(x, "feature vector");
        Objects.requireNonNull(clusters, "clusters");
        if (clusters.isEmpty()) {
            throw new IllegalArgumentException("cannot assign to a model without clusters");
        }
        int best = -1;
        double bestSquared = Double.POSITIVE_INFINITY;
        boolean currentFound = false;
        double currentSquared = Double.NaN;
        for (int i = 0; i < clusters.size(); i++) {
            Cluster cluster = clusters.get(i);
            double squared = cluster.squaredDistanceTo(x);
            if (squared < bestSquared) {
                bestSquared = squared;
                best = cluster.segmentId();
            }
            if (!currentFound && currentSegment != null && cluster.segmentId() == currentSegment) {
                currentFound = true;
                currentSquared = squared;
            }
        }
        double bestDistance = Math.sqrt(bestSquared);
        if (currentSegment == null) {
            return new Assignment(best, bestDistance, OptionalInt.empty(), Double.NaN, true);
        }
        OptionalInt previous = OptionalInt.of(currentSegment);
        if (!currentFound) {
            return new Assignment(best, bestDistance, previous, Double.NaN, true);
        }
        double currentDistance = Math.sqrt(currentSquared);
        if (best != currentSegment && bestDistance < (1 - margin) * currentDistance) {
            return new Assignment(best, bestDistance, previous, currentDistance, true);
        }
        return new Assignment(currentSegment, currentDistance, previous, currentDistance, false);
    }
}
