package io.segstream.core.clustering;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Collects, between two flushes, the count and vector sum of the points assigned to each centroid:
 * the task-side half of online mini-batch k-means.
 *
 * <p>Each stream task adds every vector it assigns and, every N records or T of stream time, {@link
 * #drain() drains} the totals into {@link ClusterDelta}s for the coordinator. Why sums: they are
 * the sufficient statistics of the update {@code c <- (c*n*a + sum) / (n*a + m)}, they add across
 * tasks and flushes ({@link #merge}), and their size depends on k and the dimension, not on the
 * number of points.
 *
 * <p>Mutable and not thread-safe: one instance per stream task, used from that task's thread.
 */
public final class DeltaAccumulator {

    private final SortedMap<Integer, Sum> sums = new TreeMap<>();
    private int pendingPoints;
    private int dimension = -1;

    /**
     * Adds one point assigned to {@code segmentId}.
     *
     * @throws IllegalArgumentException if {@code x} is not finite or has another dimension than the
     *     points added since the last drain, or {@code segmentId < 0}
     */
    public void add(int segmentId, double[] x) {
        if (segmentId < 0) {
            throw new IllegalArgumentException("segmentId must be >= 0, was " + segmentId);
        }
        Euclidean.requireFinite(x, "point of segment " + segmentId);
        if (dimension < 0) {
            dimension = x.length;
        } else {
            Euclidean.requireDimension(x, dimension, "point of segment " + segmentId);
        }
        Sum sum = sums.computeIfAbsent(segmentId, id -> new Sum(x.length));
        sum.count++;
        for (int i = 0; i < x.length; i++) {
            sum.values[i] += x[i];
        }
        pendingPoints = Math.addExact(pendingPoints, 1);
    }

    /** Points added since the last drain, over all segments. */
    public int pendingPoints() {
        return pendingPoints;
    }

    /**
     * Returns the deltas collected since the last drain, keyed and ordered by segment id, and
     * starts afresh. Segments that received no points are absent. The map is unmodifiable.
     */
    public Map<Integer, ClusterDelta> drain() {
        SortedMap<Integer, ClusterDelta> deltas = new TreeMap<>();
        sums.forEach((id, sum) -> deltas.put(id, new ClusterDelta(id, sum.count, sum.values)));
        sums.clear();
        pendingPoints = 0;
        dimension = -1;
        return Collections.unmodifiableSortedMap(deltas);
    }

    /**
     * Adds two delta maps segment by segment, for a coordinator that receives several flushes
     * before it applies them. Neither argument is changed; the result is unmodifiable and ordered
     * by segment id.
     *
     * @throws IllegalArgumentException if a key differs from its delta's segment id, or deltas of
     *     one segment differ in dimension
     */
    public static Map<Integer, ClusterDelta> merge(
            Map<Integer, ClusterDelta> a, Map<Integer, ClusterDelta> b) {
        Objects.requireNonNull(a, "a");
        Objects.requireNonNull(b, "b");
        SortedMap<Integer, ClusterDelta> merged = new TreeMap<>();
        for (Map<Integer, ClusterDelta> deltas : List.of(a, b)) {
            deltas.forEach(
                    (id, delta) -> {
                        if (id == null || delta == null || id != delta.segmentId()) {
                            throw new IllegalArgumentException(
                                    "delta map key " + id + " does not match its delta " + delta);
                        }
                        merged.merge(id, delta, ClusterDelta::plus);
                    });
        }
        return Collections.unmodifiableSortedMap(merged);
    }

    private static final class Sum {
        private final double[] values;
        private long count;

        private Sum(int dimension) {
            this.values = new double[dimension];
        }
    }
}
