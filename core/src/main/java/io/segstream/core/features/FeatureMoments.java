package io.segstream.core.features;

import java.util.Arrays;

/**
 * Running count, sum and sum of squares of each raw behavioural feature (unknown values skipped):
 * what the standardisation of a {@link FeatureSpec} is fitted from, and what lets the online model
 * follow the population's scaling as it changes. Mutable; not thread-safe.
 */
public final class FeatureMoments {

    private final double[] counts;
    private final double[] sums;
    private final double[] sumSquares;

    public FeatureMoments(int dimension) {
        this(new double[dimension], new double[dimension], new double[dimension]);
    }

    private FeatureMoments(double[] counts, double[] sums, double[] sumSquares) {
        if (sums.length != counts.length || sumSquares.length != counts.length) {
            throw new IllegalArgumentException(
                    "Moments need as many counts, sums and sums of squares: "
                            + counts.length
                            + ", "
                            + sums.length
                            + ", "
                            + sumSquares.length);
        }
        this.counts = counts;
        this.sums = sums;
        this.sumSquares = sumSquares;
    }

    public static FeatureMoments of(double[] counts, double[] sums, double[] sumSquares) {
        return new FeatureMoments(counts.clone(), sums.clone(), sumSquares.clone());
    }

    public int dimension() {
        return counts.length;
    }

    /** Adds the first {@link #dimension()} values of {@code raw}; NaN values are skipped. */
    public FeatureMoments add(double[] raw) {
        for (int j = 0; j < counts.length; j++) {
            if (!Double.isNaN(raw[j])) {
                counts[j]++;
                sums[j] += raw[j];
                sumSquares[j] += raw[j] * raw[j];
            }
        }
        return this;
    }

    /** Adds everything {@code other} has seen. */
    public FeatureMoments plus(FeatureMoments other) {
        if (other.dimension() != dimension()) {
            throw new IllegalArgumentException(
                    "Cannot add moments of " + other.dimension() + " features to " + dimension());
        }
        for (int j = 0; j < counts.length; j++) {
            counts[j] += other.counts[j];
            sums[j] += other.sums[j];
            sumSquares[j] += other.sumSquares[j];
        }
        return this;
    }

    /** Weighs everything seen so far by {@code factor}, as the online centroids forget. */
    public FeatureMoments decay(double factor) {
        for (int j = 0; j < counts.length; j++) {
            counts[j] *= factor;
            sums[j] *= factor;
            sumSquares[j] *= factor;
        }
        return this;
    }

    public boolean isEmpty() {
        return Arrays.stream(counts).allMatch(c -> c == 0);
    }

    public double[] counts() {
        return counts.clone();
    }

    public double[] sums() {
        return sums.clone();
    }

    public double[] sumSquares() {
        return sumSquares.clone();
    }

    /** The mean of feature {@code j}; 0 when nothing was seen. */
    public double mean(int j) {
        return counts[j] == 0 ? 0 : sums[j] / counts[j];
    }

    /** The sample standard deviation of feature {@code j}; 0 with fewer than two values. */
    public double standardDeviation(int j) {
        if (counts[j] < 2) {
            return 0;
        }
        double m = mean(j);
        double variance = (sumSquares[j] - counts[j] * m * m) / (counts[j] - 1);
        return Math.sqrt(Math.max(0, variance));
    }
}
