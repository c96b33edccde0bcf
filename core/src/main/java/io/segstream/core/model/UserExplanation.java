package io.segstream.core.model;

import io.segstream.core.clustering.Cluster;
import io.segstream.core.features.FeatureSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Why a user is in their segment: how much closer they are to it than to the runner-up, and the
 * features that make the difference, each with the user's and the two centres' standardised values.
 * The whole text block counts as one feature, "text", what the user buys and searches.
 *
 * @param segment the user's segment (the one the vector is scored against)
 * @param distance distance to that segment's centre
 * @param runnerUp the next nearest segment, or -1 for a one-segment model
 * @param runnerUpDistance distance to the runner-up's centre
 * @param reasons features ordered by how much they favour the segment over the runner-up
 */
public record UserExplanation(
        int segment, double distance, int runnerUp, double runnerUpDistance, List<Reason> reasons) {

    /** One feature's pull: {@code advantage} is its share of (d²(runner-up) - d²(segment)). */
    public record Reason(
            String feature, double user, double segment, double runnerUp, double advantage) {}

    /** Explains {@code x} (a vector of {@code spec}'s space) under {@code clusters}. */
    public static UserExplanation of(
            double[] x, int segment, List<Cluster> clusters, FeatureSpec spec) {
        Cluster own =
                clusters.stream()
                        .filter(c -> c.segmentId() == segment)
                        .findFirst()
                        .orElseThrow(
                                () ->
                                        new IllegalArgumentException(
                                                "The model has no segment " + segment));
        Cluster runner = null;
        for (Cluster c : clusters) {
            if (c.segmentId() != segment
                    && (runner == null || c.squaredDistanceTo(x) < runner.squaredDistanceTo(x))) {
                runner = c;
            }
        }
        double ownD2 = own.squaredDistanceTo(x);
        if (runner == null) {
            return new UserExplanation(segment, Math.sqrt(ownD2), -1, Double.NaN, List.of());
        }
        double[] a = own.center();
        double[] b = runner.center();
        List<Reason> reasons = new ArrayList<>();
        int behaviour = spec.behaviourDimension();
        for (int j = 0; j < behaviour; j++) {
            double gain = sq(x[j] - b[j]) - sq(x[j] - a[j]);
            reasons.add(new Reason(spec.names().get(j), x[j], a[j], b[j], gain));
        }
        if (x.length > behaviour) {
            double gain = 0;
            for (int j = behaviour; j < x.length; j++) {
                gain += sq(x[j] - b[j]) - sq(x[j] - a[j]);
            }
            reasons.add(new Reason("text", Double.NaN, Double.NaN, Double.NaN, gain));
        }
        reasons.sort(Comparator.comparingDouble(Reason::advantage).reversed());
        return new UserExplanation(
                segment,
                Math.sqrt(ownD2),
                runner.segmentId(),
                Math.sqrt(runner.squaredDistanceTo(x)),
                List.copyOf(reasons));
    }

    private static double sq(double v) {
        return v * v;
    }
}
