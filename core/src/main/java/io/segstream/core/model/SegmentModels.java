package io.segstream.core.model;

import io.segstream.core.clustering.Cluster;
import io.segstream.core.features.FeatureSpec;
import io.segstream.core.features.FeatureVectorizer;
import io.segstream.core.features.TextProjection;
import io.segstream.schemas.Centroid;
import io.segstream.schemas.EncoderInfo;
import io.segstream.schemas.ModelOrigin;
import io.segstream.schemas.Projection;
import io.segstream.schemas.Provenance;
import io.segstream.schemas.SegmentModel;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Conversions between the Avro {@link SegmentModel} and the clustering and feature types. */
public final class SegmentModels {

    private SegmentModels() {}

    public static FeatureSpec featureSpec(SegmentModel model) {
        var f = model.getFeatureSpec();
        return new FeatureSpec(
                f.getNames(),
                toArray(f.getMeans()),
                toArray(f.getScales()),
                f.getTextWeight(),
                f.getTextDimension());
    }

    /** The model's text projection, or null. */
    public static TextProjection projection(SegmentModel model) {
        return projection(model.getProjection());
    }

    /** {@code p} as a {@link TextProjection}, or null. */
    public static TextProjection projection(Projection p) {
        if (p == null) {
            return null;
        }
        int in = p.getInputDimension();
        double[] mean = new double[in];
        for (int j = 0; j < in; j++) {
            mean[j] = p.getMean().get(j);
        }
        double[][] components = new double[p.getOutputDimension()][in];
        for (int c = 0; c < components.length; c++) {
            for (int j = 0; j < in; j++) {
                components[c][j] = p.getComponents().get(c * in + j);
            }
        }
        return new TextProjection(mean, components);
    }

    public static Projection toAvro(TextProjection projection) {
        if (projection == null) {
            return null;
        }
        List<Float> mean = new ArrayList<>();
        for (double m : projection.mean()) {
            mean.add((float) m);
        }
        List<Float> components = new ArrayList<>();
        for (double[] row : projection.components()) {
            for (double v : row) {
                components.add((float) v);
            }
        }
        return Projection.newBuilder()
                .setInputDimension(projection.inputDimension())
                .setOutputDimension(projection.outputDimension())
                .setMean(mean)
                .setComponents(components)
                .build();
    }

    /**
     * The model's clusters with their centres mapped from {@code from}, the model's own space, into
     * {@code to}'s: how a re-fit compares new centres with old ones.
     */
    public static List<Cluster> clustersIn(
            SegmentModel model, FeatureVectorizer from, FeatureVectorizer to) {
        List<Cluster> out = new ArrayList<>();
        for (Centroid c : model.getCentroids()) {
            Cluster cluster = cluster(c);
            out.add(
                    new Cluster(
                            cluster.segmentId(),
                            from.mapTo(to, cluster.center()),
                            cluster.weight()));
        }
        return out;
    }

    /** Length of the model's clustering vectors (and centroids). */
    public static int dimension(SegmentModel model) {
        var f = model.getFeatureSpec();
        return f.getNames().size()
                + (model.getProjection() == null
                        ? f.getTextDimension()
                        : model.getProjection().getOutputDimension());
    }

    public static io.segstream.schemas.FeatureSpec toAvro(FeatureSpec spec) {
        return io.segstream.schemas.FeatureSpec.newBuilder()
                .setNames(spec.names())
                .setMeans(toList(spec.means()))
                .setScales(toList(spec.scales()))
                .setTextWeight(spec.textWeight())
                .setTextDimension(spec.textDimension())
                .build();
    }

    public static Cluster cluster(Centroid c) {
        double[] center = new double[c.getVector().size()];
        for (int i = 0; i < center.length; i++) {
            center[i] = c.getVector().get(i);
        }
        return new Cluster(c.getSegmentId(), center, c.getWeight());
    }

    /**
     * The provenance metric of a model that holds fewer segments than its fit asked for, because
     * its users held fewer distinct profiles: the count a later re-fit grows it to.
     */
    public static final String SEGMENTS_WANTED_METRIC = "segmentsWanted";

    /** The first model: centres seeded from the first users, with the scaling fitted on them. */
    public static SegmentModel seed(
            FeatureSpec spec,
            List<Cluster> clusters,
            EncoderInfo encoder,
            Instant createdAt,
            long seed) {
        return seed(spec, clusters, encoder, createdAt, seed, clusters.size());
    }

    /**
     * The first model, with fewer than the {@code wanted} segments when its users were too alike
     * for more: {@link #segmentsWanted} then tells a re-fit to grow it.
     */
    public static SegmentModel seed(
            FeatureSpec spec,
            List<Cluster> clusters,
            EncoderInfo encoder,
            Instant createdAt,
            long seed,
            int wanted) {
        Map<String, Double> metrics = new HashMap<>();
        if (clusters.size() < wanted) {
            metrics.put(SEGMENTS_WANTED_METRIC, (double) wanted);
        }
        return SegmentModel.newBuilder()
                .setVersion(1)
                .setMajorVersion(1)
                .setParentVersion(null)
                .setCreatedAt(createdAt)
                .setOrigin(ModelOrigin.SEED)
                .setK(clusters.size())
                .setFeatureSpec(toAvro(spec))
                .setProjection(null)
                .setCentroids(centroids(clusters, null))
                .setTextEncoder(encoder)
                .setProvenance(
                        Provenance.newBuilder()
                                .setDataFrom(null)
                                .setDataTo(createdAt)
                                .setSeed(seed)
                                .setMetrics(metrics)
                                .setNotes(
                                        new HashMap<>(
                                                Map.of(
                                                        "method",
                                                        "k-means++ with restarts over the first users")))
                                .build())
                .build();
    }

    /**
     * The next online version: same spec and major version, new centres and weights.
     *
     * <p>Built field by field: the copy builder {@code SegmentModel.newBuilder(base)} deep-copies
     * through Avro's global {@code SpecificData}, whose class allow-list (AVRO-4189) rejects the
     * generated enums with a {@link SecurityException}.
     */
    public static SegmentModel next(SegmentModel base, List<Cluster> clusters, Instant createdAt) {
        return SegmentModel.newBuilder()
                .setVersion(base.getVersion() + 1)
                .setMajorVersion(base.getMajorVersion())
                .setParentVersion(base.getVersion())
                .setCreatedAt(createdAt)
                .setOrigin(ModelOrigin.ONLINE)
                .setK(clusters.size())
                .setFeatureSpec(base.getFeatureSpec())
                .setProjection(base.getProjection())
                .setCentroids(centroids(clusters, base))
                .setTextEncoder(base.getTextEncoder())
                .setProvenance(base.getProvenance())
                .build();
    }

    /**
     * A re-fit of {@code base} by the online coordinator: a new major version (the app re-scores
     * every user) with a new scaling and centres whose ids were aligned to the base's.
     */
    public static SegmentModel refit(
            SegmentModel base,
            FeatureSpec spec,
            List<Cluster> clusters,
            Instant createdAt,
            Map<String, Double> metrics,
            long seed) {
        return SegmentModel.newBuilder()
                .setVersion(base.getVersion() + 1)
                .setMajorVersion(base.getMajorVersion() + 1)
                .setParentVersion(base.getVersion())
                .setCreatedAt(createdAt)
                .setOrigin(ModelOrigin.ONLINE)
                .setK(clusters.size())
                .setFeatureSpec(toAvro(spec))
                .setProjection(base.getProjection())
                .setCentroids(centroids(clusters, base))
                .setTextEncoder(base.getTextEncoder())
                .setProvenance(
                        Provenance.newBuilder()
                                .setDataFrom(null)
                                .setDataTo(createdAt)
                                .setSeed(seed)
                                .setMetrics(new HashMap<>(metrics))
                                .setNotes(
                                        new HashMap<>(
                                                Map.of(
                                                        "method",
                                                        "online re-fit: k-means++ with restarts over the re-fit panel, ids aligned to v"
                                                                + base.getVersion())))
                                .build())
                .build();
    }

    /** How many segments a re-fit of {@code model} should hold: its own, unless it fell short. */
    public static int segmentsWanted(SegmentModel model) {
        Double wanted = model.getProvenance().getMetrics().get(SEGMENTS_WANTED_METRIC);
        return wanted == null ? model.getK() : Math.max(model.getK(), wanted.intValue());
    }

    /** A model fitted by the trainer: a new major version, named and explained segments. */
    public static SegmentModel trained(
            long version,
            int majorVersion,
            Long parentVersion,
            FeatureSpec spec,
            TextProjection projection,
            List<Cluster> clusters,
            java.util.function.IntFunction<String> names,
            java.util.function.IntFunction<String> explanations,
            EncoderInfo encoder,
            Instant createdAt,
            Instant dataFrom,
            Instant dataTo,
            long seed,
            Map<String, Double> metrics,
            Map<String, String> notes) {
        List<Centroid> centroids = new ArrayList<>();
        for (Centroid c : centroids(clusters, null)) {
            c.setName(names.apply(c.getSegmentId()));
            c.setExplanation(explanations.apply(c.getSegmentId()));
            centroids.add(c);
        }
        return SegmentModel.newBuilder()
                .setVersion(version)
                .setMajorVersion(majorVersion)
                .setParentVersion(parentVersion)
                .setCreatedAt(createdAt)
                .setOrigin(ModelOrigin.TRAINER)
                .setK(clusters.size())
                .setFeatureSpec(toAvro(spec))
                .setProjection(toAvro(projection))
                .setCentroids(centroids)
                .setTextEncoder(encoder)
                .setProvenance(
                        Provenance.newBuilder()
                                .setDataFrom(dataFrom)
                                .setDataTo(dataTo)
                                .setSeed(seed)
                                .setMetrics(new HashMap<>(metrics))
                                .setNotes(new HashMap<>(notes))
                                .build())
                .build();
    }

    private static List<Centroid> centroids(List<Cluster> clusters, SegmentModel base) {
        Map<Integer, Centroid> previous = new HashMap<>();
        if (base != null) {
            base.getCentroids().forEach(c -> previous.put(c.getSegmentId(), c));
        }
        List<Centroid> out = new ArrayList<>();
        for (Cluster c : clusters) {
            Centroid old = previous.get(c.segmentId());
            List<Float> vector = new ArrayList<>(c.dimension());
            for (double x : c.center()) {
                vector.add((float) x);
            }
            out.add(
                    Centroid.newBuilder()
                            .setSegmentId(c.segmentId())
                            .setVector(vector)
                            .setWeight(c.weight())
                            .setName(old == null ? null : old.getName())
                            .setExplanation(old == null ? null : old.getExplanation())
                            .build());
        }
        return out;
    }

    static double[] toArray(List<Double> values) {
        double[] out = new double[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }

    static List<Double> toList(double[] values) {
        List<Double> out = new ArrayList<>(values.length);
        for (double v : values) {
            out.add(v);
        }
        return out;
    }
}
