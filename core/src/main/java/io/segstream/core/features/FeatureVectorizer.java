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
    private final TextProjection projection;
    private final double textScale;

    /** Where each of the spec's behavioural features is in {@link BehaviourFeatures#NAMES}. */
    private final int[] behaviourIndex;

    private final boolean allBehaviourFeatures;

    public FeatureVectorizer(FeatureSpec spec, ProfileSettings settings) {
        this(spec, settings, null);
    }

    /** With {@code projection} (nullable) applied to the text block before it is weighted. */
    public FeatureVectorizer(
            FeatureSpec spec, ProfileSettings settings, TextProjection projection) {
        if (projection != null && projection.inputDimension() != spec.textDimension()) {
            throw new IllegalArgumentException(
                    "The text projection takes "
                            + projection.inputDimension()
                            + " dims, the feature spec's text block has "
                            + spec.textDimension());
        }
        this.spec = spec;
        this.settings = settings;
        this.projection = projection;
        this.textScale = spec.textWeight() * Math.sqrt(spec.behaviourDimension());
        // a model stores its feature names: one built before features were added keeps its own
        this.behaviourIndex = new int[spec.names().size()];
        for (int j = 0; j < behaviourIndex.length; j++) {
            behaviourIndex[j] = BehaviourFeatures.NAMES.indexOf(spec.names().get(j));
            if (behaviourIndex[j] < 0) {
                throw new IllegalArgumentException(
                        "Feature '"
                                + spec.names().get(j)
                                + "' of the model is not one this version computes: "
                                + BehaviourFeatures.NAMES);
            }
        }
        this.allBehaviourFeatures = spec.names().equals(BehaviourFeatures.NAMES);
    }

    public FeatureSpec spec() {
        return spec;
    }

    /** The text projection, or null. */
    public TextProjection projection() {
        return projection;
    }

    /** Length of a clustering vector (and of every centroid). */
    public int dimension() {
        return spec.behaviourDimension()
                + (projection == null ? spec.textDimension() : projection.outputDimension());
    }

    /** Names of a clustering vector's values: behavioural, then text_i or text_pc_i. */
    public java.util.List<String> names() {
        if (projection == null) {
            return spec.allNames();
        }
        java.util.List<String> names = new java.util.ArrayList<>(spec.names());
        for (int i = 0; i < projection.outputDimension(); i++) {
            names.add("text_pc_" + i);
        }
        return names;
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

    /** Raw features of the spec's behavioural features, then the text vector. */
    public double[] raw(UserProfile p, long asOf) {
        double[] all = raw(p, asOf, settings, spec.textDimension());
        if (allBehaviourFeatures) {
            return all;
        }
        int b = BehaviourFeatures.NAMES.size();
        double[] raw = new double[behaviourIndex.length + spec.textDimension()];
        for (int j = 0; j < behaviourIndex.length; j++) {
            raw[j] = all[behaviourIndex[j]];
        }
        System.arraycopy(all, b, raw, behaviourIndex.length, spec.textDimension());
        return raw;
    }

    /** The clustering vector of {@code p} read at event time {@code asOf}. */
    public double[] vectorize(UserProfile p, long asOf) {
        return scale(raw(p, asOf));
    }

    /** Standardises and weights a raw vector, projecting its text block when so configured. */
    public double[] scale(double[] raw) {
        int b = spec.behaviourDimension();
        if (raw.length != spec.dimension()) {
            throw new IllegalArgumentException(
                    "Raw vector has "
                            + raw.length
                            + " values, the feature spec "
                            + spec.dimension());
        }
        double[] x = new double[dimension()];
        for (int j = 0; j < b; j++) {
            x[j] = Double.isNaN(raw[j]) ? 0 : (raw[j] - spec.means()[j]) / spec.scales()[j];
        }
        double[] text = projection == null ? null : projection.project(raw, b);
        for (int j = b; j < x.length; j++) {
            x[j] = (text == null ? raw[j] : text[j - b]) * textScale;
        }
        return x;
    }

    /**
     * The raw vector a clustering vector stands for (a projected text block is mapped back as far
     * as the components reach; a text block of weight 0 comes back as zeros).
     */
    public double[] toRaw(double[] x) {
        int b = spec.behaviourDimension();
        double[] raw = new double[spec.dimension()];
        for (int j = 0; j < b; j++) {
            raw[j] = x[j] * spec.scales()[j] + spec.means()[j];
        }
        if (textScale == 0) {
            return raw;
        }
        double[] text = new double[x.length - b];
        for (int j = 0; j < text.length; j++) {
            text[j] = x[b + j] / textScale;
        }
        double[] full = projection == null ? text : projection.back(text);
        System.arraycopy(full, 0, raw, b, full.length);
        return raw;
    }

    /** A point of this vectorizer's space in {@code target}'s, through raw values. */
    public double[] mapTo(FeatureVectorizer target, double[] x) {
        return target.scale(toRaw(x));
    }
}
