package io.segstream.core.clustering;

import java.util.Arrays;

/**
 * What one mini-batch contributes to one centroid: how many points were assigned to it and their
 * vector sum. Sums, not means, so deltas from several stream tasks (and several flushes) add up
 * exactly before the coordinator applies them ({@link #plus}).
 *
 * <p>Immutable; the sum is copied in and out. Equality compares the sum's contents.
 *
 * @param segmentId the segment whose centroid the points were assigned to, {@code >= 0}
 * @param count the number of points, {@code >= 0}
 * @param sum the component-wise sum of those points, finite; all zeros when {@code count == 0}
 */
public record ClusterDelta(int segmentId, long count, double[] sum) {

    public ClusterDelta {
        if (segmentId < 0) {
            throw new IllegalArgumentException("segmentId must be >= 0, was " + segmentId);
        }
        if (count < 0) {
            throw new IllegalArgumentException(
                    "count of segment " + segmentId + " must be >= 0, was " + count);
        }
        Euclidean.requireFinite(sum, "sum of segment " + segmentId);
        sum = sum.clone();
        if (count == 0 && Euclidean.norm(sum) != 0) {
            throw new IllegalArgumentException(
                    "a delta of no points must have a zero sum, segment "
                            + segmentId
                            + " has "
                            + Arrays.toString(sum));
        }
    }

    /** A copy of the sum. */
    @Override
    public double[] sum() {
        return sum.clone();
    }

    public int dimension() {
        return sum.length;
    }

    /**
     * The delta of both batches together.
     *
     * @throws IllegalArgumentException if {@code other} is for another segment or dimension
     */
    public ClusterDelta plus(ClusterDelta other) {
        if (other.segmentId != segmentId) {
            throw new IllegalArgumentException(
                    "cannot add a delta of segment "
                            + other.segmentId
                            + " to one of segment "
                            + segmentId);
        }
        Euclidean.requireDimension(other.sum, sum.length, "delta of segment " + segmentId);
        double[] total = sum.clone();
        for (int i = 0; i < total.length; i++) {
            total[i] += other.sum[i];
        }
        return new ClusterDelta(segmentId, Math.addExact(count, other.count), total);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClusterDelta other
                && segmentId == other.segmentId
                && count == other.count
                && Arrays.equals(sum, other.sum);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * segmentId + Long.hashCode(count)) + Arrays.hashCode(sum);
    }

    @Override
    public String toString() {
        return "ClusterDelta[segmentId="
                + segmentId
                + ", count="
                + count
                + ", sum="
                + Arrays.toString(sum)
                + "]";
    }
}
