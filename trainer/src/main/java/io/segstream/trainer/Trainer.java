package io.segstream.trainer;

import io.segstream.core.clustering.Cluster;
import io.segstream.core.clustering.KMeansFit;
import io.segstream.core.clustering.KMeansPlusPlus;
import io.segstream.core.clustering.NearestCentroid;
import io.segstream.core.clustering.SegmentAlignment;
import io.segstream.core.encoder.TextEncoder;
import io.segstream.core.features.FeatureSpec;
import io.segstream.core.features.FeatureVectorizer;
import io.segstream.core.features.TextProjection;
import io.segstream.core.math.Pca;
import io.segstream.core.model.ScoringModel;
import io.segstream.core.model.SegmentModels;
import io.segstream.core.profile.ProfileSettings;
import io.segstream.schemas.EncoderInfo;
import io.segstream.schemas.SegmentModel;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The offline re-fit: features from the same core code as the app, k-means++ with restarts run to
 * convergence, k picked when asked, ids kept from the previous model, explanations, the churn head
 * against an RFM baseline, and a new major model version with its provenance.
 */
public final class Trainer {

    /** The model, its report, and the matrix it was fitted on (for export). */
    public record Result(
            SegmentModel model,
            TrainingReport report,
            FeatureVectorizer vectorizer,
            List<double[]> points,
            int[] segments) {}

    private final TextEncoder encoder;
    private final EncoderInfo encoderInfo;
    private final ProfileSettings profileSettings;
    private final Consumer<String> progress;

    public Trainer(
            TextEncoder encoder,
            EncoderInfo encoderInfo,
            ProfileSettings profileSettings,
            Consumer<String> progress) {
        this.encoder = encoder;
        this.encoderInfo = encoderInfo;
        this.profileSettings = profileSettings;
        this.progress = progress;
    }

    public Result train(TrainingSet set, TrainerSettings s) {
        return train(set, null, s);
    }

    /**
     * Trains on {@code set}; {@code past}, the same data cut one horizon earlier (labelled up to
     * {@code set}'s cut), adds a time-based check of the churn head. It may be null.
     */
    public Result train(TrainingSet set, TrainingSet past, TrainerSettings s) {
        int dimension = encoder.dimension();
        FeatureSpec spec = FeatureSpec.fit(set.raw(), s.textWeight(), dimension);
        TextProjection projection = projection(set, s.textComponents(), dimension);
        FeatureVectorizer vectorizer = new FeatureVectorizer(spec, profileSettings, projection);
        List<double[]> points = set.raw().stream().map(vectorizer::scale).toList();
        KSelection.Choice choice = null;
        int k = s.k();
        if (k == 0) {
            progress.accept("choosing k in " + s.minK() + ".." + s.maxK());
            choice =
                    KSelection.choose(
                            points, s.minK(), s.maxK(), s.restarts(), s.bootstraps(), s.seed());
            k = choice.k();
        }
        progress.accept("k-means++ with " + s.restarts() + " restarts, k=" + k);
        KMeansFit fit = KMeansPlusPlus.fit(points, k, s.restarts(), s.seed());
        int[] before = before(set, s.previous());
        int[] ids = ids(s.previous(), before, vectorizer, fit);
        int[] segments = Arrays.stream(fit.labels()).map(l -> ids[l]).toArray();
        ClusterQuality quality = ClusterQuality.of(points, fit.labels(), fit.centers());
        progress.accept("bootstrap stability");
        double stability =
                KSelection.stability(points, fit, k, s.restarts(), s.bootstraps(), s.seed());
        Lineage lineage = before == null ? null : Lineage.of(before, segments);
        progress.accept("explaining the segments");
        List<SegmentExplanation> explanations =
                SegmentExplanation.of(set, points, segments, fit, ids, spec, encoder);
        ChurnComparison churn = null;
        if (set.churned() != null) {
            progress.accept(
                    "churn head vs RFM baseline on "
                            + ChurnComparison.SPLITS
                            + " customer splits"
                            + (past == null ? "" : " and across time"));
            churn = ChurnComparison.run(set, past, s.seed(), ChurnFeatures.KEPT);
        }
        SegmentModel model =
                model(
                        set,
                        s,
                        spec,
                        projection,
                        fit,
                        ids,
                        explanations,
                        quality,
                        stability,
                        choice,
                        churn);
        TrainingReport report =
                TrainingReport.of(
                        set, model, choice, quality, stability, lineage, explanations, churn);
        return new Result(model, report, vectorizer, points, segments);
    }

    /**
     * The id of each fitted centre: 0..k-1, or that of the previous model's segment whose members
     * (as {@code previous} scores the training set) the centre holds most; see SegmentAlignment.
     */
    private int[] ids(
            SegmentModel previous, int[] before, FeatureVectorizer vectorizer, KMeansFit fit) {
        if (previous == null) {
            return SegmentAlignment.align(List.of(), fit.centers());
        }
        FeatureVectorizer old = scoring(previous).vectorizer();
        List<Cluster> clusters = SegmentModels.clustersIn(previous, old, vectorizer);
        return SegmentAlignment.align(clusters, fit.centers(), fit.labels(), before);
    }

    /** The principal components of the text block, or null for none. */
    private static TextProjection projection(TrainingSet set, int components, int dimension) {
        if (components == 0) {
            return null;
        }
        int b = set.raw().get(0).length - dimension;
        Pca pca =
                Pca.fit(
                        set.raw().stream()
                                .map(r -> java.util.Arrays.copyOfRange(r, b, r.length))
                                .toList(),
                        Math.min(components, Math.min(dimension, set.size() - 1)));
        // at the float precision the model stores it, so that training and scoring agree exactly
        TextProjection exact = new TextProjection(pca.mean(), pca.components());
        return SegmentModels.projection(SegmentModels.toAvro(exact));
    }

    /** Each user's segment under {@code previous} as of the set's cut, or null without one. */
    private int[] before(TrainingSet set, SegmentModel previous) {
        if (previous == null) {
            return null;
        }
        ScoringModel scoring = scoring(previous);
        NearestCentroid nearest = new NearestCentroid(0);
        long asOf = set.asOf().toEpochMilli();
        int[] old = new int[set.size()];
        for (int i = 0; i < old.length; i++) {
            double[] x = scoring.vectorizer().vectorize(set.profiles().get(i), asOf);
            old[i] = nearest.assign(x, scoring.clusters(), null).segmentId();
        }
        return old;
    }

    private ScoringModel scoring(SegmentModel previous) {
        return ScoringModel.of(
                previous,
                profileSettings,
                previous.getTextEncoder().getModelId(),
                previous.getTextEncoder().getDimension());
    }

    private SegmentModel model(
            TrainingSet set,
            TrainerSettings s,
            FeatureSpec spec,
            TextProjection projection,
            KMeansFit fit,
            int[] ids,
            List<SegmentExplanation> explanations,
            ClusterQuality quality,
            double stability,
            KSelection.Choice choice,
            ChurnComparison churn) {
        Map<Integer, SegmentExplanation> byId = new HashMap<>();
        explanations.forEach(e -> byId.put(e.segmentId(), e));
        List<Cluster> clusters = new ArrayList<>();
        long[] sizes = new long[fit.k()];
        Arrays.stream(fit.labels()).forEach(l -> sizes[l]++);
        for (int c = 0; c < fit.k(); c++) {
            clusters.add(new Cluster(ids[c], fit.centers().get(c), Math.max(1, sizes[c])));
        }
        clusters.sort(java.util.Comparator.comparingInt(Cluster::segmentId));
        Map<String, Double> metrics = new HashMap<>();
        metrics.put("inertia", quality.inertia());
        metrics.put("silhouette", quality.silhouette());
        metrics.put("daviesBouldin", quality.daviesBouldin());
        metrics.put("calinskiHarabasz", quality.calinskiHarabasz());
        metrics.put("bootstrapStability", stability);
        metrics.put("users", (double) set.size());
        Map<String, String> notes = new HashMap<>();
        if (churn != null) {
            // means over the customer splits; the verdict says whether the lead is claimed
            metrics.put("churnAuc", churn.head().mean());
            metrics.put("churnAucSd", churn.head().sd());
            metrics.put("churnBaselineAuc", churn.baseline().mean());
            metrics.put("churnBaselineAucSd", churn.baseline().sd());
            metrics.put("churnLead", churn.lead().mean());
            metrics.put("churnLeadSd", churn.lead().sd());
            metrics.put("churnVerdictSd", churn.verdict().sd());
            metrics.put("churnBeatsBaseline", churn.verdict().beatsBaseline() ? 1.0 : 0.0);
            metrics.put("churnSplits", (double) churn.splits().size());
            if (churn.timeBased() != null) {
                metrics.put("churnTimeBasedAuc", churn.timeBased().evaluation().head().auc());
                metrics.put(
                        "churnTimeBasedBaselineAuc",
                        churn.timeBased().evaluation().baseline().auc());
            }
            notes.put("churnVerdict", churn.verdict().text());
            notes.put("churnFeatures", String.join(",", churn.features()));
        }
        notes.put(
                "method",
                "trainer: k-means++ with " + s.restarts() + " restarts, Lloyd to convergence");
        if (choice != null) {
            notes.put("k", choice.reason());
        }
        if (s.previous() != null) {
            notes.put("idsFrom", "v" + s.previous().getVersion());
        }
        SegmentModel previous = s.previous();
        return SegmentModels.trained(
                previous == null ? 1 : previous.getVersion() + 1,
                previous == null ? 1 : previous.getMajorVersion() + 1,
                previous == null ? null : previous.getVersion(),
                spec,
                projection,
                clusters,
                id -> byId.get(id).name(),
                id -> byId.get(id).summary(),
                encoderInfo,
                Instant.now(),
                set.dataFrom(),
                set.asOf(),
                s.seed(),
                metrics,
                notes);
    }
}
