package io.segstream.core.clustering;

import java.util.Arrays;

/**
 * One centroid of the segment model: the segment it stands for, its centre and its decayed point
 * count.
 *
 * <p>The weight is the number of points the centre has absorbed, discounted once per mini-batch by
 * the decay factor (see {@link MiniBatchUpdate}). It says how much evidence the centre carries: a
 * heavy centre moves little per batch, a light one follows new data, and a weight that dwindles
 * marks a dying cluster to reseed.
 *
 * <p>Immutable: the centre is copied in and out, because one model is read by every stream thread
 * at once and must not change under them. Equality compares the centre's contents.
 *
 * @param segmentId the segment this centroid stands for, {@code >= 0}; stable across online updates
 * @param center the centroid, finite, at least one dimension
 * @param weight the decayed number of points behind the centroid, finite and {@code >= 0}
 */
public record Cluster(int segmentId, double[] center, double weight) {

    public Cluster {
        if (segmentId < 0) {
            throw new IllegalArgumentException("segmentId must be >= 0, was " + segmentId);
        }
        Euclidean.requireFinite(center, "center of segment " + segmentId);
        center = center.clone();
        if (!(weight >= 0) || Double.isInfinite(weight)) {
            throw new IllegalArgumentException(
                    "weight of segment " + segmentId + " must be finite and >= 0, was " + weight);
        }
    }

    /** A copy of the centre. */
    @Override
    public double[] center() {
        return center.clone();
    }

    public int dimension() {
        return center.length;
    }

    /**
     * Squared Euclidean distance from {@code x} to this centre, without copying the centre (the hot
     * path of assignment).
     *
     * @throws IllegalArgumentException if {@code x} has another dimension
     */
    public double squaredDistanceTo(double[] x) {
        Euclidean.requireDimension(x, center.length, "vector compared with segment " + segmentId);
        return Euclidean.squaredDistance(center, x);
    }

    public Cluster withCenter(double[] newCenter) {
        return new Cluster(segmentId, newCenter, weight);
    }

    public Cluster withWeight(double newWeight) {
        return new Cluster(segmentId, center, newWeight);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cluster other
                && segmentId == other.segmentId
                && Double.compare(weight, other.weight) == 0
                && Arrays.equals(center, other.center);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * segmentId + Arrays.hashCode(center)) + Double.hashCode(weight);
    }

    @Override
    public String toString() {
        return "Cluster[segmentId="
                + segmentId
                + ", center="
                + Arrays.toString(center)
                + ", weight="
                + weight
                + "]";
    }
}
