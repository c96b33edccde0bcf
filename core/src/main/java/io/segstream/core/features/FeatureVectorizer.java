package io.segstream.core.features;

import io.segstream.core.profile.ProfileSettings;
import io.segstream.core.profile.UserProfile;

/**
 * The one place where a profile becomes a clustering vector, used by the streaming app and the
 * trainer alike so that online and offline features are identical by construction.
 *
 * <p>Vector = standardised behavioural features (unknown values imputed at the mean), then the
 * text-interest vector times {@code textWeight * sqrt(behavioural dimension)}: at weight 1 the text
 * block can move a customer about as far as all behavioural features together, and at the default
 * of 0.5 it refines rather than overrides the behavioural segments.
 */
public final class FeatureVectorizer {

    private final FeatureSpec spec;
    private final ProfileSettings settings;
    private final double textScale;

    public FeatureVectorizer(FeatureSpec spec, ProfileSettings settings) {
        this.spec = spec;
        this.settings = settings;
        this.textScale = spec.textWeight() * Math.sqrt(spec.behaviourDimension());
    }

    public FeatureSpec spec() {
        return spec;
    }

    /** Raw features: behavioural, then the text vector (zeros when the profile has none). */
    public static double[] raw(
            UserProfile p, long asOf, ProfileSettings settings, int textDimension) {
        double[] behaviour = BehaviourFeatures.of(p, asOf, settings);
        double[] raw = new double[behaviour.length + textDimension];
        System.arraycopy(behaviour, 0, raw, 0, behaviour.length);
        float[] text = p.text();
        if (text.length == textDimension) {
            for (int i = 0; i < textDimension; i++) {
                raw[behaviour.length + i] = text[i];
            }
        }
        return raw;
    }

    public double[] raw(UserProfile p, long asOf) {
        return raw(p, asOf, settings, spec.textDimension());
    }

    /** The clustering vector of {@code p} read at event time {@code asOf}. */
    public double[] vectorize(UserProfile p, long asOf) {
        return scale(raw(p, asOf));
    }

    /** Standardises and weights a raw vector. */
    public double[] scale(double[] raw) {
        int b = spec.behaviourDimension();
        if (raw.length != spec.dimension()) {
            throw new IllegalArgumentException(
                    "Raw vector has "
                            + raw.length
                            + " values, the feature spec "
                            + spec.dimension());
        }
        double[] x = new double[raw.length];
        for (int j = 0; j < b; j++) {
            x[j] = Double.isNaN(raw[j]) ? 0 : (raw[j] - spec.means()[j]) / spec.scales()[j];
        }
        for (int j = b; j < raw.length; j++) {
            x[j] = raw[j] * textScale;
        }
        return x;
    }
}
