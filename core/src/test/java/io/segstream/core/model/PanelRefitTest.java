package io.segstream.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.segstream.core.clustering.Cluster;
import io.segstream.core.features.BehaviourFeatures;
import io.segstream.core.features.FeatureSpec;
import io.segstream.core.features.FeatureVectorizer;
import io.segstream.core.profile.ProfileSettings;
import io.segstream.schemas.Centroid;
import io.segstream.schemas.EncoderInfo;
import io.segstream.schemas.SegmentModel;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PanelRefitTest {

    private static final int DIMENSION = BehaviourFeatures.NAMES.size();
    private static final ProfileSettings SETTINGS = ProfileSettings.defaults();

    @Test
    void shouldWeighEachCentreAsItsSegmentsShareOfThePopulation() {
        // a panel of 100 users drawn 1 in 20: 60 around one point, 40 around another
        List<double[]> panel = new ArrayList<>();
        Random random = new Random(3);
        for (int i = 0; i < 100; i++) {
            double[] v = new double[DIMENSION];
            for (int j = 0; j < DIMENSION; j++) {
                v[j] = (i < 60 ? 0 : 10) + random.nextGaussian() * 0.1;
            }
            panel.add(v);
        }
        SegmentModel base = seeded(panel);

        SegmentModel asSampled = PanelRefit.refit(base, panel, SETTINGS, 1, Instant.EPOCH);
        SegmentModel asPopulation = PanelRefit.refit(base, panel, SETTINGS, 1, Instant.EPOCH, 20);

        assertThat(weights(asSampled)).containsExactlyInAnyOrder(60.0, 40.0);
        assertThat(weights(asPopulation)).containsExactlyInAnyOrder(1200.0, 800.0);
        assertThat(asPopulation.getMajorVersion()).isEqualTo(base.getMajorVersion() + 1);
    }

    @Test
    void shouldRefuseAPanelLargerThanThePopulation() {
        List<double[]> panel = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            panel.add(new double[DIMENSION]);
        }
        SegmentModel base = seeded(panel);

        assertThatThrownBy(() -> PanelRefit.refit(base, panel, SETTINGS, 1, Instant.EPOCH, 0.5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("usersPerPanelUser");
    }

    private static SegmentModel seeded(List<double[]> raw) {
        FeatureSpec spec = FeatureSpec.fit(raw, 0, 0);
        FeatureVectorizer vectorizer = new FeatureVectorizer(spec, SETTINGS);
        List<Cluster> clusters =
                List.of(
                        new Cluster(0, vectorizer.scale(raw.get(0)), 1),
                        new Cluster(1, vectorizer.scale(raw.get(raw.size() - 1)), 1));
        return SegmentModels.seed(spec, clusters, new EncoderInfo("none", "", 0), Instant.EPOCH, 1);
    }

    private static List<Double> weights(SegmentModel model) {
        return model.getCentroids().stream().map(Centroid::getWeight).toList();
    }
}
