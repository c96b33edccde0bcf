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

    @Test
    void shouldCountNoMovesForARefitThatFindsTheSameStructure() {
        List<double[]> panel = groups(0, 10);
        SegmentModel base = seeded(panel);
        SegmentModel refit = PanelRefit.refit(base, panel, SETTINGS, 1, Instant.EPOCH);

        double moved =
                PanelRefit.movedShare(base, refit, panel, nearest(base, panel), SETTINGS, 0.1);

        assertThat(moved).isZero();
    }

    @Test
    void shouldCountTheUsersARefitWithABetterStructureMoves() {
        // groups at 0, 4 and 10; the base splits {0} | {4, 10}, a local optimum the warm start
        // keeps,
        // while k-means++ finds {0, 4} | {10}: the middle third changes segment
        List<double[]> panel = groups(0, 4, 10);
        SegmentModel base = seeded(List.of(panel.get(0), panel.get(40)), panel);
        SegmentModel refit = PanelRefit.refit(base, panel, SETTINGS, 1, Instant.EPOCH);

        double moved =
                PanelRefit.movedShare(base, refit, panel, nearest(base, panel), SETTINGS, 0.1);

        assertThat(moved).isCloseTo(1.0 / 3, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void shouldGiveEachNewCentreTheIdItsPanelMembersHave() {
        List<double[]> panel = groups(0, 10);
        SegmentModel base = seeded(panel);
        // hysteresis can hold a group in a segment whose centre is nearer the other group
        int[] swapped = new int[panel.size()];
        int[] unknown = new int[panel.size()];
        for (int i = 0; i < panel.size(); i++) {
            swapped[i] = i < 40 ? 1 : 0;
            unknown[i] = 7;
        }

        SegmentModel byMembers =
                PanelRefit.refit(
                        base, panel, swapped, SETTINGS, 1, Instant.EPOCH, 1, SegmentCount.fixed(2));
        SegmentModel byNearest =
                PanelRefit.refit(
                        base, panel, unknown, SETTINGS, 1, Instant.EPOCH, 1, SegmentCount.fixed(2));

        assertThat(nearest(byMembers, panel)[0]).isEqualTo(1);
        assertThat(nearest(byMembers, panel)[40]).isEqualTo(0);
        assertThat(nearest(byNearest, panel)[0]).isEqualTo(0);
        assertThat(nearest(byNearest, panel)[40]).isEqualTo(1);
    }

    @Test
    void shouldAddASegmentForANewGroupAndDropOneThatNoLongerPays() {
        SegmentCount upToFour = new SegmentCount(4, 0.05);
        List<double[]> three = groups(0, 10, 20);
        // one centre on the group at 0, one on the group at 20, none for the newcomers at 10
        SegmentModel base = seeded(List.of(three.get(0), three.get(80)), three);
        int[] current = nearest(base, three);

        SegmentModel grown =
                PanelRefit.refit(base, three, current, SETTINGS, 1, Instant.EPOCH, 1, upToFour);

        assertThat(grown.getK()).isEqualTo(3);
        int[] after = nearest(grown, three);
        assertThat(after[0]).as("the group at 0 keeps its id").isEqualTo(current[0]);
        assertThat(after[80]).as("the group at 20 keeps its id").isEqualTo(current[80]);
        assertThat(after[40]).as("the newcomers get a new id").isEqualTo(2);

        List<double[]> two = groups(0, 20);
        SegmentModel shrunk =
                PanelRefit.refit(
                        grown, two, nearest(grown, two), SETTINGS, 2, Instant.EPOCH, 1, upToFour);

        assertThat(shrunk.getCentroids()).extracting(Centroid::getSegmentId).containsExactly(0, 1);
        assertThat(
                        PanelRefit.refit(
                                        grown,
                                        two,
                                        nearest(grown, two),
                                        SETTINGS,
                                        2,
                                        Instant.EPOCH,
                                        1,
                                        SegmentCount.fixed(3))
                                .getK())
                .as("without a least gain every segment is kept")
                .isEqualTo(3);
    }

    /** 40 users around each of {@code levels}, in every feature. */
    private static List<double[]> groups(double... levels) {
        List<double[]> panel = new ArrayList<>();
        Random random = new Random(5);
        for (double level : levels) {
            for (int i = 0; i < 40; i++) {
                double[] v = new double[DIMENSION];
                for (int j = 0; j < DIMENSION; j++) {
                    v[j] = level + random.nextGaussian() * 0.1;
                }
                panel.add(v);
            }
        }
        return panel;
    }

    private static int[] nearest(SegmentModel model, List<double[]> raw) {
        FeatureVectorizer v = new FeatureVectorizer(SegmentModels.featureSpec(model), SETTINGS);
        List<Cluster> clusters = model.getCentroids().stream().map(SegmentModels::cluster).toList();
        return raw.stream()
                .mapToInt(
                        r ->
                                new io.segstream.core.clustering.NearestCentroid(0)
                                        .assign(v.scale(r), clusters, null)
                                        .segmentId())
                .toArray();
    }

    private static SegmentModel seeded(List<double[]> raw) {
        return seeded(List.of(raw.get(0), raw.get(raw.size() - 1)), raw);
    }

    /** A model with one centre at each of {@code centres}, scaled on {@code raw}. */
    private static SegmentModel seeded(List<double[]> centres, List<double[]> raw) {
        FeatureSpec spec = FeatureSpec.fit(raw, 0, 0);
        FeatureVectorizer vectorizer = new FeatureVectorizer(spec, SETTINGS);
        List<Cluster> clusters =
                List.of(
                        new Cluster(0, vectorizer.scale(centres.get(0)), 1),
                        new Cluster(1, vectorizer.scale(centres.get(1)), 1));
        return SegmentModels.seed(spec, clusters, new EncoderInfo("none", "", 0), Instant.EPOCH, 1);
    }

    private static List<Double> weights(SegmentModel model) {
        return model.getCentroids().stream().map(Centroid::getWeight).toList();
    }
}
