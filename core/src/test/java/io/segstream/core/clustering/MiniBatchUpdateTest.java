package io.segstream.core.clustering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class MiniBatchUpdateTest {

    private static final Offset<Double> EXACT = Offset.offset(1e-12);

    @Test
    void shouldApplyTheDecayedUpdateRuleToAHandComputedBatch() {
        // a = 0.5, both clusters have n = 4, so old evidence counts n * a = 2 points.
        // Batch: (2, 0) and (4, 2) assigned to segment 0: m = 2, sum = (6, 2).
        // Segment 0: c' = ((2, 4) * 2 + (6, 2)) / (2 + 2) = ((4, 8) + (6, 2)) / 4 = (2.5, 2.5)
        //            n' = 2 + 2 = 4
        // Segment 1 (no points): c' = (10, 10), n' = 4 * 0.5 = 2
        List<Cluster> model =
                List.of(
                        new Cluster(0, new double[] {2, 4}, 4),
                        new Cluster(1, new double[] {10, 10}, 4));
        DeltaAccumulator batch = new DeltaAccumulator();
        batch.add(0, new double[] {2, 0});
        batch.add(0, new double[] {4, 2});

        UpdateResult result = new MiniBatchUpdate(0.5, 0.05, 1).apply(model, batch.drain());

        assertThat(result.clusters())
                .containsExactly(
                        new Cluster(0, new double[] {2.5, 2.5}, 4),
                        new Cluster(1, new double[] {10, 10}, 2));
        assertThat(result.reseeded()).isEmpty();
    }

    @Test
    void shouldWeighABatchAgainstTheDecayedEvidence() {
        // a = 0.75, n = 4 -> 3 old points at (0, 0) plus one new point (4, 8): c' = (1, 2), n' = 4
        List<Cluster> model = List.of(new Cluster(3, new double[] {0, 0}, 4));
        Map<Integer, ClusterDelta> deltas = Map.of(3, new ClusterDelta(3, 1, new double[] {4, 8}));

        UpdateResult result = new MiniBatchUpdate(0.75, 0.05, 1).apply(model, deltas);

        assertThat(result.clusters()).containsExactly(new Cluster(3, new double[] {1, 2}, 4));
    }

    @Test
    void shouldOnlyDecayClustersWithoutDelta() {
        List<Cluster> model =
                List.of(
                        new Cluster(0, new double[] {1, -1}, 8),
                        new Cluster(1, new double[] {-3, 5}, 6));

        UpdateResult result = new MiniBatchUpdate(0.5, 0.05, 1).apply(model, Map.of());

        assertThat(result.clusters())
                .containsExactly(
                        new Cluster(0, new double[] {1, -1}, 4),
                        new Cluster(1, new double[] {-3, 5}, 3));
    }

    @Test
    void shouldLeaveAnIdleClusterAsItIsWhenIdleClustersDoNotDecay() {
        // segment 0 gets one point and decays: ((0, 0) * 4 * 0.5 + (6, 0)) / 3 = (2, 0), n' = 3;
        // segment 1, idle customers, keeps its centre and weight however many batches pass
        MiniBatchUpdate update = new MiniBatchUpdate(0.5, 0.05, 1, false);
        List<Cluster> model =
                List.of(
                        new Cluster(0, new double[] {0, 0}, 4),
                        new Cluster(1, new double[] {10, 10}, 4));
        Map<Integer, ClusterDelta> deltas = Map.of(0, new ClusterDelta(0, 1, new double[] {6, 0}));

        UpdateResult result = update.apply(model, deltas);
        for (int batch = 0; batch < 50; batch++) {
            result = update.apply(result.clusters(), Map.of());
        }

        assertThat(result.clusters())
                .containsExactly(
                        new Cluster(0, new double[] {2, 0}, 3),
                        new Cluster(1, new double[] {10, 10}, 4));
        assertThat(result.reseeded()).isEmpty();
    }

    @Test
    void shouldDeriveTheDecayFromAHalfLife() {
        assertThat(MiniBatchUpdate.decayForHalfLife(1)).isEqualTo(0.5);
        assertThat(MiniBatchUpdate.decayForHalfLife(2)).isCloseTo(Math.sqrt(0.5), EXACT);
        assertThat(MiniBatchUpdate.decayForHalfLife(Double.POSITIVE_INFINITY)).isEqualTo(1.0);
    }

    @Test
    void shouldHalveTheWeightAfterHalfLifeBatches() {
        MiniBatchUpdate update = MiniBatchUpdate.forHalfLife(10, 0.05, 1);
        List<Cluster> model =
                List.of(
                        new Cluster(0, new double[] {0, 0}, 8),
                        new Cluster(1, new double[] {1, 1}, 8));

        for (int batch = 0; batch < 10; batch++) {
            model = update.apply(model, Map.of()).clusters();
            if (batch == 8) {
                assertThat(model.get(0).weight()).isGreaterThan(4.1);
            }
        }

        assertThat(model.get(0).weight()).isCloseTo(4, EXACT);
        assertThat(model.get(1).weight()).isCloseTo(4, EXACT);
    }

    @Test
    void shouldReseedADyingClusterNextToTheHeaviest() {
        // total 150.1, threshold 0.05 * 150.1 / 3 = 2.50: segment 2 (0.1) is dying
        Cluster heaviest = new Cluster(0, new double[] {3, 4}, 100);
        Cluster other = new Cluster(1, new double[] {-10, 0}, 50);
        Cluster dying = new Cluster(2, new double[] {0, -10}, 0.1);

        UpdateResult result =
                new MiniBatchUpdate(1, 0.05, 42).apply(List.of(heaviest, other, dying), Map.of());

        assertThat(result.reseeded()).containsExactly(2);
        Cluster reseeded = result.clusters().get(2);
        assertThat(reseeded.segmentId()).isEqualTo(2);
        assertThat(reseeded.weight()).isEqualTo(50);
        // 1e-3 * |(3, 4)| = 0.005 from the heaviest centre, which itself stays put
        assertThat(Math.sqrt(reseeded.squaredDistanceTo(heaviest.center())))
                .isCloseTo(0.005, EXACT);
        assertThat(result.clusters().get(0)).isEqualTo(heaviest.withWeight(50));
        assertThat(result.clusters().get(1)).isEqualTo(other);
    }

    @Test
    void shouldOffsetAReseedAroundAZeroCentreByAnAbsoluteAmount() {
        Cluster heaviest = new Cluster(0, new double[] {0, 0, 0}, 10);
        Cluster dying = new Cluster(1, new double[] {5, 5, 5}, 0);

        UpdateResult result =
                new MiniBatchUpdate(1, 0.05, 42).apply(List.of(heaviest, dying), Map.of());

        assertThat(result.reseeded()).containsExactly(1);
        assertThat(Math.sqrt(result.clusters().get(1).squaredDistanceTo(new double[3])))
                .isCloseTo(1e-3, EXACT);
    }

    @Test
    void shouldReseedDeterministicallyForASeed() {
        List<Cluster> model =
                List.of(
                        new Cluster(0, new double[] {3, 4}, 100),
                        new Cluster(1, new double[] {0, 0}, 0));

        UpdateResult first = new MiniBatchUpdate(1, 0.05, 42).apply(model, Map.of());
        UpdateResult again = new MiniBatchUpdate(1, 0.05, 42).apply(model, Map.of());
        UpdateResult otherSeed = new MiniBatchUpdate(1, 0.05, 43).apply(model, Map.of());

        assertThat(again).isEqualTo(first);
        assertThat(otherSeed.clusters().get(1)).isNotEqualTo(first.clusters().get(1));
    }

    @Test
    void shouldNotReseedHealthyClusters() {
        // total 160, threshold 0.05 * 160 / 3 = 2.67: the lightest (10) is healthy
        List<Cluster> model =
                List.of(
                        new Cluster(0, new double[] {3, 4}, 100),
                        new Cluster(1, new double[] {-10, 0}, 50),
                        new Cluster(2, new double[] {0, -10}, 10));

        UpdateResult result = new MiniBatchUpdate(1, 0.05, 42).apply(model, Map.of());

        assertThat(result.reseeded()).isEmpty();
        assertThat(result.clusters()).isEqualTo(model);
    }

    @Test
    void shouldRejectADeltaForASegmentNotInTheModel() {
        List<Cluster> model = List.of(new Cluster(0, new double[] {0, 0}, 1));
        Map<Integer, ClusterDelta> deltas = Map.of(5, new ClusterDelta(5, 1, new double[] {1, 1}));

        assertThatThrownBy(() -> new MiniBatchUpdate(1, 0.05, 1).apply(model, deltas))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("segment 5");
    }

    @Test
    void shouldRejectInvalidSettings() {
        assertThatThrownBy(() -> new MiniBatchUpdate(0, 0.05, 1))
                .hasMessageContaining("decay must be in (0, 1]");
        assertThatThrownBy(() -> new MiniBatchUpdate(1, 0.5, 1))
                .hasMessageContaining("reseedFraction must be in [0, 0.5)");
        assertThatThrownBy(() -> MiniBatchUpdate.decayForHalfLife(0))
                .hasMessageContaining("halfLifeBatches must be > 0");
    }
}
