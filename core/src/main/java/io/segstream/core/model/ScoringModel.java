package io.segstream.core.model;

import io.segstream.core.clustering.Cluster;
import io.segstream.core.features.BehaviourFeatures;
import io.segstream.core.features.FeatureSpec;
import io.segstream.core.features.FeatureVectorizer;
import io.segstream.core.features.TextProjection;
import io.segstream.core.profile.ProfileSettings;
import io.segstream.schemas.Centroid;
import io.segstream.schemas.SegmentModel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link SegmentModel} decoded once into what scoring needs: the vectorizer and the clusters.
 * Built once per model version, then shared read-only by every record that is scored with it.
 */
public final class ScoringModel {

    private final SegmentModel model;
    private final FeatureVectorizer vectorizer;
    private final List<Cluster> clusters;
    private final Map<Integer, String> names;

    private ScoringModel(SegmentModel model, FeatureVectorizer vectorizer, List<Cluster> clusters) {
        this.model = model;
        this.vectorizer = vectorizer;
        this.clusters = clusters;
        Map<Integer, String> n = new HashMap<>();
        for (Centroid c : model.getCentroids()) {
            if (c.getName() != null) {
                n.put(c.getSegmentId(), c.getName());
            }
        }
        this.names = Collections.unmodifiableMap(n);
    }

    /**
     * The behavioural features {@code model} was built on that this version does not compute: a
     * model of an older feature layout, which cannot be scored.
     */
    public static List<String> unknownFeatures(SegmentModel model) {
        return model.getFeatureSpec().getNames().stream()
                .filter(n -> !BehaviourFeatures.NAMES.contains(n))
                .toList();
    }

    /**
     * Decodes {@code model}, refusing it when its text encoder or dimensions do not match the
     * encoder this instance runs.
     */
    public static ScoringModel of(
            SegmentModel model, ProfileSettings settings, String encoderId, int encoderDimension) {
        var encoder = model.getTextEncoder();
        if (!encoder.getModelId().equals(encoderId) || encoder.getDimension() != encoderDimension) {
            throw new ModelCompatibilityException(
                    "Segment model v"
                            + model.getVersion()
                            + " was built with encoder "
                            + encoder.getModelId()
                            + " ("
                            + encoder.getDimension()
                            + " dims) but this "
                            + "instance runs "
                            + encoderId
                            + " ("
                            + encoderDimension
                            + " dims). "
                            + "Set encoder.model to match, or train a model for this encoder.");
        }
        FeatureSpec spec = SegmentModels.featureSpec(model);
        List<String> unknown = unknownFeatures(model);
        if (!unknown.isEmpty()) {
            throw new ModelCompatibilityException(
                    "Segment model v"
                            + model.getVersion()
                            + " uses features this version does not compute: "
                            + unknown
                            + ". Publish one trained by this version: segstream train --publish.");
        }
        if (spec.textDimension() != 0 && spec.textDimension() != encoderDimension) {
            throw new ModelCompatibilityException(
                    "Segment model v"
                            + model.getVersion()
                            + " expects a text block of "
                            + spec.textDimension()
                            + " dims, the encoder gives "
                            + encoderDimension);
        }
        TextProjection projection = SegmentModels.projection(model);
        if (projection != null && projection.inputDimension() != spec.textDimension()) {
            throw new ModelCompatibilityException(
                    "Segment model v"
                            + model.getVersion()
                            + " projects "
                            + projection.inputDimension()
                            + " text dims, its feature spec has "
                            + spec.textDimension());
        }
        FeatureVectorizer vectorizer = new FeatureVectorizer(spec, settings, projection);
        List<Cluster> clusters = new ArrayList<>();
        for (Centroid c : model.getCentroids()) {
            if (c.getVector().size() != vectorizer.dimension()) {
                throw new ModelCompatibilityException(
                        "Centroid "
                                + c.getSegmentId()
                                + " of model v"
                                + model.getVersion()
                                + " has "
                                + c.getVector().size()
                                + " dims, its feature spec "
                                + vectorizer.dimension());
            }
            clusters.add(SegmentModels.cluster(c));
        }
        return new ScoringModel(model, vectorizer, List.copyOf(clusters));
    }

    public SegmentModel model() {
        return model;
    }

    public long version() {
        return model.getVersion();
    }

    public int majorVersion() {
        return model.getMajorVersion();
    }

    public FeatureVectorizer vectorizer() {
        return vectorizer;
    }

    public List<Cluster> clusters() {
        return clusters;
    }

    /** The segment's name, or "segment N" when the model has none. */
    public String name(int segmentId) {
        return names.getOrDefault(segmentId, "segment " + segmentId);
    }
}
