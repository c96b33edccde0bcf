package io.segstream.core.features;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How raw profile features become a clustering vector: the behavioural features' names and the
 * means and scales that standardise them, and the weight and dimension of the text block.
 *
 * <p>Fitted once (on the seed sample online, on the training set offline) and stored in the model,
 * so every instance and the trainer scale identically.
 */
public record FeatureSpec(
        List<String> names, double[] means, double[] scales, double textWeight, int textDimension) {

    public FeatureSpec {
        names = List.copyOf(names);
        means = means.clone();
        scales = scales.clone();
        if (means.length != names.size() || scales.length != names.size()) {
            throw new IllegalArgumentException(
                    "Feature spec has "
                            + names.size()
                            + " names, "
                            + means.length
                            + " means, "
                            + scales.length
                            + " scales; they must match");
        }
        if (!(textWeight >= 0) || !Double.isFinite(textWeight)) {
            throw new IllegalArgumentException("Text weight must be >= 0, was " + textWeight);
        }
    }

    /**
     * Means and standard deviations of the behavioural block of {@code rawSamples}, ignoring NaN.
     */
    public static FeatureSpec fit(List<double[]> rawSamples, double textWeight, int textDimension) {
        FeatureMoments moments = new FeatureMoments(BehaviourFeatures.NAMES.size());
        rawSamples.forEach(moments::add);
        return fit(moments, textWeight, textDimension);
    }

    /**
     * Standardisation from the moments of the raw behavioural features. A feature that barely
     * varies (early users all have a tenure near zero) gets its floor scale, so that later
     * differences on it do not count many times over.
     */
    public static FeatureSpec fit(FeatureMoments moments, double textWeight, int textDimension) {
        List<String> names = BehaviourFeatures.NAMES;
        double[] means = new double[names.size()];
        double[] scales = new double[names.size()];
        for (int j = 0; j < names.size(); j++) {
            means[j] = moments.mean(j);
            scales[j] = Math.max(moments.standardDeviation(j), BehaviourFeatures.MIN_SCALES[j]);
        }
        return new FeatureSpec(names, means, scales, textWeight, textDimension);
    }

    public int behaviourDimension() {
        return names.size();
    }

    public int dimension() {
        return names.size() + textDimension;
    }

    /** Every feature's name: the behavioural ones, then text_0..text_{d-1}. */
    public List<String> allNames() {
        List<String> all = new ArrayList<>(names);
        for (int i = 0; i < textDimension; i++) {
            all.add("text_" + i);
        }
        return all;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FeatureSpec f
                && names.equals(f.names)
                && Arrays.equals(means, f.means)
                && Arrays.equals(scales, f.scales)
                && textWeight == f.textWeight
                && textDimension == f.textDimension;
    }

    @Override
    public int hashCode() {
        return names.hashCode() * 31 + Arrays.hashCode(means);
    }
}
