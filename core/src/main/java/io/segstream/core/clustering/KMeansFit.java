package io.segstream.core.clustering;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * An offline k-means solution: the centres, each point's nearest centre under them, and the inertia
 * (sum of squared distances from each point to its centre), so solutions from several restarts can
 * be compared and the best kept.
 *
 * <p>Immutable; centres and labels are copied in and out. Equality compares contents.
 *
 * @param centers the k centres, one dimension
 * @param labels for each input point, the index into {@code centers} of its nearest centre
 * @param inertia sum of squared Euclidean distances from the points to their centres, {@code >= 0}
 * @param iterations Lloyd iterations run, {@code >= 0}
 */
public record KMeansFit(List<double[]> centers, int[] labels, double inertia, int iterations) {

    public KMeansFit {
        Euclidean.requirePoints(centers, "centers");
        centers = copyOf(centers);
        labels = Objects.requireNonNull(labels, "labels").clone();
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= centers.size()) {
                throw new IllegalArgumentException(
                        "label "
                                + labels[i]
                                + " of point "
                                + i
                                + " is not a centre index in [0, "
                                + centers.size()
                                + ")");
            }
        }
        if (!(inertia >= 0)) {
            throw new IllegalArgumentException("inertia must be >= 0, was " + inertia);
        }
        if (iterations < 0) {
            throw new IllegalArgumentException("iterations must be >= 0, was " + iterations);
        }
    }

    /** Copies of the centres. */
    @Override
    public List<double[]> centers() {
        return copyOf(centers);
    }

    /** A copy of the labels. */
    @Override
    public int[] labels() {
        return labels.clone();
    }

    public int k() {
        return centers.size();
    }

    private static List<double[]> copyOf(List<double[]> vectors) {
        List<double[]> copy = new ArrayList<>(vectors.size());
        for (double[] v : vectors) {
            copy.add(v.clone());
        }
        return List.copyOf(copy);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof KMeansFit other)
                || Double.compare(inertia, other.inertia) != 0
                || iterations != other.iterations
                || !Arrays.equals(labels, other.labels)
                || centers.size() != other.centers.size()) {
            return false;
        }
        for (int i = 0; i < centers.size(); i++) {
            if (!Arrays.equals(centers.get(i), other.centers.get(i))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int hash = Arrays.hashCode(labels);
        for (double[] center : centers) {
            hash = 31 * hash + Arrays.hashCode(center);
        }
        return 31 * (31 * hash + Double.hashCode(inertia)) + iterations;
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("KMeansFit[centers=[");
        for (int i = 0; i < centers.size(); i++) {
            text.append(i == 0 ? "" : ", ").append(Arrays.toString(centers.get(i)));
        }
        return text.append("], points=")
                .append(labels.length)
                .append(", inertia=")
                .append(inertia)
                .append(", iterations=")
                .append(iterations)
                .append(']')
                .toString();
    }
}
