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
        List<String> names = BehaviourFeatures.NAMES;
        int b = names.size();
        double[] means = new double[b];
        double[] scales = new double[b];
        for (int j = 0; j < b; j++) {
            double sum = 0;
            double sumSq = 0;
            int n = 0;
            for (double[] x : rawSamples) {
                if (!Double.isNaN(x[j])) {
                    sum += x[j];
                    sumSq += x[j] * x[j];
                    n++;
                }
            }
            means[j] = n == 0 ? 0 : sum / n;
            double variance = n < 2 ? 0 : (sumSq - n * means[j] * means[j]) / (n - 1);
            // a constant feature keeps scale 1 so that it neither divides by zero nor dominates
            scales[j] = variance > 1e-12 ? Math.sqrt(variance) : 1.0;
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
