package io.segstream.core.model;

import io.segstream.core.clustering.KMeansFit;
import io.segstream.core.clustering.KMeansPlusPlus;
import java.util.List;

/**
 * How many segments the online model holds: at most {@code max}, and with {@code minGain} above 0
 * only as many as each explain that share of the panel's variance (at least 2), so that a shop with
 * fewer groups than {@code max} is not given a segment that splits one of them ({@link
 * KMeansPlusPlus#resize}). 0 always holds {@code max}.
 */
public record SegmentCount(int max, double minGain) {

    public SegmentCount {
        if (max < 1) {
            throw new IllegalArgumentException("max must be >= 1, was " + max);
        }
        if (!(minGain >= 0 && minGain < 1)) {
            throw new IllegalArgumentException("minGain must be in [0, 1), was " + minGain);
        }
    }

    /** Always {@code k} segments. */
    public static SegmentCount fixed(int k) {
        return new SegmentCount(k, 0);
    }

    public int min() {
        return Math.min(2, max);
    }

    /** {@code fit} with the centres that explain enough, refined as a re-fit refines. */
    public KMeansFit resize(List<double[]> points, KMeansFit fit, long seed) {
        return KMeansPlusPlus.resize(
                points,
                fit,
                min(),
                max,
                minGain,
                seed,
                PanelRefit.MAX_ITERATIONS,
                PanelRefit.TOLERANCE);
    }
}
