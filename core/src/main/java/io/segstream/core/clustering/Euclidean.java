package io.segstream.core.clustering;

import io.segstream.core.math.Vectors;
import java.util.List;
import java.util.Objects;

/**
 * Distance and validation helpers shared by this package. Kept package-private: callers outside see
 * only the checks' messages, which name the offending value.
 */
final class Euclidean {

    private Euclidean() {}

    /** Squared Euclidean distance; the caller has checked that the dimensions match. */
    static double squaredDistance(double[] a, double[] b) {
        return Vectors.squaredDistance(a, b);
    }

    static double norm(double[] v) {
        double sum = 0;
        for (double x : v) {
            sum += x * x;
        }
        return Math.sqrt(sum);
    }

    /** Fails unless {@code v} is non-empty and every component is finite. */
    static void requireFinite(double[] v, String what) {
        Objects.requireNonNull(v, what);
        if (v.length == 0) {
            throw new IllegalArgumentException(what + " must have at least one dimension");
        }
        for (int i = 0; i < v.length; i++) {
            if (!Double.isFinite(v[i])) {
                throw new IllegalArgumentException(
                        what + " has a non-finite value " + v[i] + " at index " + i);
            }
        }
    }

    static void requireDimension(double[] v, int dimension, String what) {
        if (v.length != dimension) {
            throw new IllegalArgumentException(
                    what + " has dimension " + v.length + ", expected " + dimension);
        }
    }

    /**
     * Fails unless {@code points} is non-empty and all its vectors are finite with one dimension;
     * returns that dimension.
     */
    static int requirePoints(List<double[]> points, String what) {
        Objects.requireNonNull(points, what);
        if (points.isEmpty()) {
            throw new IllegalArgumentException(what + " must not be empty");
        }
        int dimension = -1;
        for (int i = 0; i < points.size(); i++) {
            double[] p = points.get(i);
            requireFinite(p, what + "[" + i + "]");
            if (dimension < 0) {
                dimension = p.length;
            } else {
                requireDimension(p, dimension, what + "[" + i + "]");
            }
        }
        return dimension;
    }
}
