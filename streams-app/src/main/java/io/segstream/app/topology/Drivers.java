package io.segstream.app.topology;

import io.segstream.core.clustering.Cluster;
import io.segstream.core.features.FeatureSpec;
import io.segstream.core.model.ScoringModel;
import io.segstream.core.profile.UserProfile;
import io.segstream.schemas.FeatureContribution;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The features that drove a move: for each feature, how much closer it puts the user to the new
 * centroid than to the old one (or, for a first assignment, than to the population mean). The text
 * block counts as one feature, {@code text_interest}.
 */
final class Drivers {

    static final int TOP = 3;
    static final String TEXT = "text_interest";

    private Drivers() {}

    static List<FeatureContribution> explain(
            ScoringModel model,
            double[] x,
            Integer previous,
            int next,
            UserProfile profile,
            long now) {
        double[] to = center(model, next);
        double[] from = previous == null ? new double[x.length] : center(model, previous);
        if (to == null || from == null) {
            return List.of();
        }
        FeatureSpec spec = model.vectorizer().spec();
        double[] raw = model.vectorizer().raw(profile, now);
        List<FeatureContribution> all = new ArrayList<>();
        int b = spec.behaviourDimension();
        for (int j = 0; j < b; j++) {
            all.add(contribution(spec.names().get(j), raw[j], pull(x[j], from[j], to[j])));
        }
        double text = 0;
        for (int j = b; j < x.length; j++) {
            text += pull(x[j], from[j], to[j]);
        }
        all.add(contribution(TEXT, profile.textWeight(), text));
        return all.stream()
                .filter(c -> c.getContribution() > 0)
                .sorted(Comparator.comparingDouble(FeatureContribution::getContribution).reversed())
                .limit(TOP)
                .toList();
    }

    private static double pull(double x, double from, double to) {
        return (x - from) * (x - from) - (x - to) * (x - to);
    }

    private static FeatureContribution contribution(String name, double value, double pull) {
        return FeatureContribution.newBuilder()
                .setFeature(name)
                .setValue(Double.isFinite(value) ? value : 0)
                .setContribution(pull)
                .build();
    }

    private static double[] center(ScoringModel model, int segment) {
        for (Cluster c : model.clusters()) {
            if (c.segmentId() == segment) {
                return c.center();
            }
        }
        return null;
    }
}
