package io.segstream.app.topology;

import io.segstream.core.clustering.Cluster;
import io.segstream.core.features.BehaviourFeatures;
import io.segstream.core.features.FeatureSpec;
import io.segstream.core.model.SegmentModels;
import io.segstream.schemas.EncoderInfo;
import io.segstream.schemas.ModelOrigin;
import io.segstream.schemas.SegmentModel;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Hand-built segment models whose geometry a test can reason about: every feature but {@code
 * orders_log} is scaled by 1e9 (so contributes ~0) and the text block has weight 0, so a user's
 * vector is, to 1e-6, {@code log1p(decayed orders)} on one axis.
 */
final class TestModels {

    static final int ORDERS_LOG = BehaviourFeatures.NAMES.indexOf("orders_log");

    private TestModels() {}

    static final int RECENCY_LOG = BehaviourFeatures.NAMES.indexOf("recency_months_log");

    static FeatureSpec ordersOnlySpec(int textDimension) {
        return oneAxisSpec(ORDERS_LOG, textDimension);
    }

    static FeatureSpec oneAxisSpec(int feature, int textDimension) {
        int b = BehaviourFeatures.NAMES.size();
        double[] means = new double[b];
        double[] scales = new double[b];
        Arrays.fill(scales, 1e9);
        scales[feature] = 1.0;
        return new FeatureSpec(BehaviourFeatures.NAMES, means, scales, 0.0, textDimension);
    }

    /**
     * A model with one segment per given position on the orders_log axis, segment ids 0.., each of
     * weight {@code weight}.
     */
    static SegmentModel ordersModel(
            long version, int major, EncoderInfo encoder, double weight, double... positions) {
        return axisModel(ORDERS_LOG, version, major, encoder, weight, positions);
    }

    /** As {@link #ordersModel}, on the axis of another behavioural feature. */
    static SegmentModel axisModel(
            int feature,
            long version,
            int major,
            EncoderInfo encoder,
            double weight,
            double... positions) {
        FeatureSpec spec = oneAxisSpec(feature, encoder.getDimension());
        List<Cluster> clusters = new ArrayList<>();
        for (int i = 0; i < positions.length; i++) {
            double[] center = new double[spec.dimension()];
            center[feature] = positions[i];
            clusters.add(new Cluster(i, center, weight));
        }
        SegmentModel seed =
                SegmentModels.seed(
                        spec, clusters, encoder, Instant.parse("2011-11-30T00:00:00Z"), 7L);
        return withVersion(seed, version, major, encoder);
    }

    /**
     * {@code model} with its behavioural feature {@code from} named {@code to}: a model of a
     * feature layout another segstream version computes.
     */
    static SegmentModel withFeatureRenamed(SegmentModel model, String from, String to) {
        List<String> names = new ArrayList<>(model.getFeatureSpec().getNames());
        names.set(names.indexOf(from), to);
        model.getFeatureSpec().setNames(names);
        return model;
    }

    /**
     * {@code model} as another version, major and encoder. Field by field: Avro's copy builder
     * deep-copies through the global SpecificData, whose class allow-list rejects the enums.
     */
    static SegmentModel withVersion(
            SegmentModel model, long version, int major, EncoderInfo encoder) {
        return SegmentModel.newBuilder()
                .setVersion(version)
                .setMajorVersion(major)
                // a later major here stands for a trainer's model fitted afresh: its ids are not
                // carried over from a parent (the tests swap centres between majors)
                .setParentVersion(version > 1 && major == 1 ? version - 1 : null)
                .setCreatedAt(model.getCreatedAt())
                .setOrigin(version == 1 ? ModelOrigin.SEED : ModelOrigin.TRAINER)
                .setK(model.getK())
                .setFeatureSpec(model.getFeatureSpec())
                .setProjection(model.getProjection())
                .setCentroids(model.getCentroids())
                .setTextEncoder(encoder)
                .setProvenance(model.getProvenance())
                .build();
    }
}
