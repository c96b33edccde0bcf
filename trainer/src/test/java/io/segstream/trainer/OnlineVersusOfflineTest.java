package io.segstream.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import io.segstream.core.clustering.Cluster;
import io.segstream.core.clustering.DeltaAccumulator;
import io.segstream.core.clustering.KMeansPlusPlus;
import io.segstream.core.clustering.MiniBatchUpdate;
import io.segstream.core.clustering.NearestCentroid;
import io.segstream.core.encoder.CachingTextEncoder;
import io.segstream.core.features.FeatureSpec;
import io.segstream.core.features.FeatureVectorizer;
import io.segstream.core.math.Vectors;
import io.segstream.core.model.PanelRefit;
import io.segstream.core.model.SegmentModels;
import io.segstream.core.profile.ProfileSettings;
import io.segstream.schemas.SegmentModel;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Acceptance: the app's online k-means, fed the customers of the dev slice, ends within 5% of the
 * trainer's inertia on the trainer's feature vectors. The online side is the coordinator's loop
 * with the app's own classes: the seed (scaling and k-means++ on the first 500 users), decayed
 * mini-batch updates of 200 users, and a {@link PanelRefit} every 4 mini-batches on the users seen
 * so far (the demo's settings: the whole population in the panel).
 */
class OnlineVersusOfflineTest {

    static final int SEED_USERS = 500;
    static final int BATCH = 200;
    static final int REFIT_EVERY = 4;

    @Test
    void shouldEndWithinFivePercentOfTheTrainersInertia() {
        try (CachingTextEncoder encoder = DevData.encoder()) {
            TrainingSet set = DevData.set(encoder, DevData.events());
            Trainer.Result offline =
                    DevData.trainer(encoder).train(set, TrainerSettings.defaults());
            ProfileSettings settings = ProfileSettings.defaults();
            int k = offline.model().getK();

            List<double[]> raw = set.raw();
            FeatureSpec seedSpec =
                    FeatureSpec.fit(raw.subList(0, SEED_USERS), 0.5, encoder.dimension());
            FeatureVectorizer seedScale = new FeatureVectorizer(seedSpec, settings);
            List<double[]> seeds =
                    KMeansPlusPlus.seed(
                            raw.subList(0, SEED_USERS).stream().map(seedScale::scale).toList(),
                            k,
                            42);
            List<Cluster> clusters = new ArrayList<>();
            for (int c = 0; c < k; c++) {
                clusters.add(new Cluster(c, seeds.get(c), 1));
            }
            SegmentModel model =
                    SegmentModels.seed(
                            seedSpec,
                            clusters,
                            offline.model().getTextEncoder(),
                            Instant.EPOCH,
                            42);
            MiniBatchUpdate update = MiniBatchUpdate.forHalfLife(20, 0.05, 42);
            NearestCentroid nearest = new NearestCentroid(0);
            DeltaAccumulator batch = new DeltaAccumulator();
            int batches = 0;
            int refits = 0;
            // the customers arrive in the order they were first seen
            for (int i = 0; i < raw.size(); i++) {
                FeatureVectorizer scale =
                        new FeatureVectorizer(SegmentModels.featureSpec(model), settings);
                List<Cluster> current =
                        model.getCentroids().stream().map(SegmentModels::cluster).toList();
                double[] x = scale.scale(raw.get(i));
                batch.add(nearest.assign(x, current, null).segmentId(), x);
                if (batch.pendingPoints() >= BATCH) {
                    model =
                            SegmentModels.next(
                                    model,
                                    update.apply(current, batch.drain()).clusters(),
                                    Instant.EPOCH);
                    if (++batches % REFIT_EVERY == 0) {
                        SegmentModel refit =
                                PanelRefit.refit(
                                        model,
                                        raw.subList(0, i + 1),
                                        settings,
                                        42 + batches,
                                        Instant.EPOCH);
                        model = refit == null ? model : refit;
                        refits += refit == null ? 0 : 1;
                    }
                }
            }
            // inertia on the trainer's vectors: the online centres mapped into the trainer's
            // scaling
            FeatureVectorizer onlineSpace =
                    new FeatureVectorizer(SegmentModels.featureSpec(model), settings);
            List<double[]> centres =
                    model.getCentroids().stream()
                            .map(
                                    c ->
                                            onlineSpace.mapTo(
                                                    offline.vectorizer(),
                                                    SegmentModels.cluster(c).center()))
                            .toList();
            double online = inertia(offline.points(), centres);
            double trainer = offline.report().quality().inertia();
            double ratio = online / trainer;
            System.out.printf(
                    Locale.ROOT,
                    "inertia on %d users: app's online k-means %.1f (%d mini-batches, %d re-fits), trainer %.1f, ratio %.4f%n",
                    raw.size(),
                    online,
                    batches,
                    refits,
                    trainer,
                    ratio);
            assertThat(ratio).isBetween(0.95, 1.05);
        }
    }

    private static double inertia(List<double[]> points, List<double[]> centres) {
        double total = 0;
        for (double[] x : points) {
            double best = Double.POSITIVE_INFINITY;
            for (double[] c : centres) {
                best = Math.min(best, Vectors.squaredDistance(x, c));
            }
            total += best;
        }
        return total;
    }
}
