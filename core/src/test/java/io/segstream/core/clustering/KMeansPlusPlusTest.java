package io.segstream.core.clustering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class KMeansPlusPlusTest {

    private static final PlantedClusters BLOBS = PlantedClusters.generate(3, 4, 100, 10, 0.5, 7);

    @Test
    void shouldSeedTheSameCentresForTheSameSeed() {
        List<double[]> first = KMeansPlusPlus.seed(BLOBS.points(), 3, 11);
        List<double[]> again = KMeansPlusPlus.seed(BLOBS.points(), 3, 11);
        List<double[]> otherSeed = KMeansPlusPlus.seed(BLOBS.points(), 3, 12);

        assertThat(again).usingRecursiveComparison().isEqualTo(first);
        assertThat(otherSeed).usingRecursiveComparison().isNotEqualTo(first);
    }

    @Test
    void shouldSeedOneCentrePerWellSeparatedBlob() {
        assertThat(BLOBS.minimumCentreDistance()).isGreaterThan(8);

        for (long seed = 0; seed < 20; seed++) {
            List<double[]> centres = KMeansPlusPlus.seed(BLOBS.points(), 3, seed);

            assertThat(plantedLabelsOf(centres)).as("seed %d", seed).containsOnly(0, 1, 2);
        }
    }

    @Test
    void shouldPickEachDistinctValueOnceAmongDuplicates() {
        List<double[]> points = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            points.add(new double[] {0, 0});
            points.add(new double[] {1, 0});
        }
        points.add(new double[] {0, 1});

        List<double[]> centres = KMeansPlusPlus.seed(points, 3, 5);

        assertThat(centres)
                .usingRecursiveFieldByFieldElementComparator()
                .containsExactlyInAnyOrder(
                        new double[] {0, 0}, new double[] {1, 0}, new double[] {0, 1});
    }

    @Test
    void shouldCountDistinctValuesUpToTheCap() {
        List<double[]> points =
                List.of(
                        new double[] {1, 1},
                        new double[] {1, 1},
                        new double[] {0.0, 2},
                        new double[] {-0.0, 2},
                        new double[] {3, 3});

        assertThat(KMeansPlusPlus.distinctCount(points, 10)).as("-0.0 equals 0.0").isEqualTo(3);
        assertThat(KMeansPlusPlus.distinctCount(points, 2)).isEqualTo(2);
    }

    @Test
    void shouldRefuseMoreCentresThanDistinctPoints() {
        List<double[]> points =
                List.of(
                        new double[] {1, 1},
                        new double[] {1, 1},
                        new double[] {2, 2},
                        new double[] {-0.0, 0},
                        new double[] {0, 0});

        assertThat(KMeansPlusPlus.seed(points, 3, 1)).hasSize(3);
        assertThatThrownBy(() -> KMeansPlusPlus.seed(points, 4, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("k=4")
                .hasMessageContaining("5 points")
                .hasMessageContaining("only 3 distinct");
    }

    @Test
    void shouldRefineAHandComputedExampleToItsMeans() {
        // two pairs; starting at one point of each pair, the centres move to the pair means
        List<double[]> points =
                List.of(
                        new double[] {0, 0},
                        new double[] {0, 2},
                        new double[] {10, 0},
                        new double[] {10, 2});

        KMeansFit fit =
                KMeansPlusPlus.refine(
                        points, List.of(new double[] {0, 0}, new double[] {10, 0}), 100, 0);

        assertThat(fit.centers())
                .usingRecursiveFieldByFieldElementComparator()
                .containsExactly(new double[] {0, 1}, new double[] {10, 1});
        assertThat(fit.labels()).containsExactly(0, 0, 1, 1);
        assertThat(fit.inertia()).isEqualTo(4.0); // four points, each 1 from its centre
        assertThat(fit.iterations()).isEqualTo(2); // one move, then one without
    }

    @Test
    void shouldRefillACentreThatLostAllItsPoints() {
        // (1000, 1000) attracts nothing; it is moved to a farthest point and the pairs split.
        // The data sits away from the origin so a centre reset to zero would stay empty too.
        List<double[]> points =
                List.of(
                        new double[] {100, 100},
                        new double[] {100, 102},
                        new double[] {110, 100},
                        new double[] {110, 102});

        KMeansFit fit =
                KMeansPlusPlus.refine(
                        points,
                        List.of(new double[] {105, 101}, new double[] {1000, 1000}),
                        100,
                        0);

        assertThat(fit.inertia()).isEqualTo(4.0);
        assertThat(AdjustedRandIndex.compute(fit.labels(), new int[] {0, 0, 1, 1})).isEqualTo(1);
    }

    @Test
    void shouldRecoverPlantedClustersWithRestarts() {
        KMeansFit fit = KMeansPlusPlus.fit(BLOBS.points(), 3, 4, 2024);

        assertThat(fit.k()).isEqualTo(3);
        assertThat(AdjustedRandIndex.compute(fit.labels(), BLOBS.labels())).isEqualTo(1.0);
        // each centre within 0.3 of a planted one (sd 0.5, 100 points: the mean's sd is 0.05/axis)
        for (double[] centre : fit.centers()) {
            double nearest = Double.POSITIVE_INFINITY;
            for (double[] planted : BLOBS.centres()) {
                nearest = Math.min(nearest, Euclidean.squaredDistance(centre, planted));
            }
            assertThat(Math.sqrt(nearest)).isLessThan(0.3);
        }
        assertThat(KMeansPlusPlus.fit(BLOBS.points(), 3, 4, 2024)).isEqualTo(fit);
    }

    @Test
    void shouldKeepTheRestartWithTheLowestInertia() {
        // four blobs but k = 3: restarts land in different local optima
        PlantedClusters four = PlantedClusters.generate(4, 2, 50, 10, 2, 3);

        KMeansFit best = KMeansPlusPlus.fit(four.points(), 3, 8, 99);

        double lowest = Double.POSITIVE_INFINITY;
        SplittableRandom seeds = new SplittableRandom(99);
        for (int r = 0; r < 8; r++) {
            List<double[]> centres = KMeansPlusPlus.seed(four.points(), 3, seeds.nextLong());
            KMeansFit single =
                    KMeansPlusPlus.refine(
                            four.points(), centres, KMeansPlusPlus.DEFAULT_MAX_ITERATIONS, 0);
            lowest = Math.min(lowest, single.inertia());
        }
        assertThat(best.inertia()).isEqualTo(lowest);
    }

    @Test
    void shouldSwapACentreFromASplitBlobToABlobWithoutOne() {
        // on a line: a wide blob at 0, two tight ones at 30 and 36
        Random random = new Random(11);
        List<double[]> points = new ArrayList<>();
        int[] planted = new int[400];
        for (int i = 0; i < 400; i++) {
            planted[i] = i < 200 ? 0 : i < 300 ? 1 : 2;
            double centre = planted[i] == 0 ? 0 : planted[i] == 1 ? 30 : 36;
            points.add(
                    new double[] {centre + (planted[i] == 0 ? 1.0 : 0.5) * random.nextGaussian()});
        }
        // Lloyd's local optimum: two centres share the wide blob, the tight ones share the third
        KMeansFit stuck =
                KMeansPlusPlus.refine(
                        points,
                        List.of(new double[] {-0.8}, new double[] {0.8}, new double[] {33}),
                        300,
                        0);
        assertThat(AdjustedRandIndex.compute(stuck.labels(), planted)).isLessThan(0.7);

        KMeansFit swapped = KMeansPlusPlus.swap(points, stuck, 5, 300, 0);

        assertThat(AdjustedRandIndex.compute(swapped.labels(), planted)).isEqualTo(1.0);
        assertThat(swapped.inertia()).isLessThan(stuck.inertia() / 2);
        assertThat(KMeansPlusPlus.swap(points, stuck, 5, 300, 0)).isEqualTo(swapped);
    }

    @Test
    void shouldKeepTheCentresWhenNoSwapLowersTheInertia() {
        KMeansFit best = KMeansPlusPlus.fit(BLOBS.points(), 3, 4, 2024);

        assertThat(KMeansPlusPlus.swap(BLOBS.points(), best, 5, 300, 0)).isSameAs(best);
    }

    @Test
    void shouldDropTheSpareCentreThatSplitsABlob() {
        // in 20 dimensions a split halves one axis of a blob: a gain of about 1 % of the total
        PlantedClusters blobs = PlantedClusters.generate(3, 20, 100, 10, 0.5, 3);
        KMeansFit four = KMeansPlusPlus.fit(blobs.points(), 4, 4, 2024);

        KMeansFit resized = KMeansPlusPlus.resize(blobs.points(), four, 2, 4, 0.05, 5, 300, 0);

        assertThat(resized.centers()).hasSize(3);
        assertThat(AdjustedRandIndex.compute(resized.labels(), blobs.labels())).isEqualTo(1.0);
        assertThat(KMeansPlusPlus.resize(blobs.points(), four, 2, 4, 0, 5, 300, 0)).isSameAs(four);
    }

    @Test
    void shouldAddACentreForABlobWithoutOneButNotSplitOne() {
        PlantedClusters blobs = PlantedClusters.generate(3, 20, 100, 10, 0.5, 3);
        KMeansFit two = KMeansPlusPlus.fit(blobs.points(), 2, 4, 2024);

        KMeansFit resized = KMeansPlusPlus.resize(blobs.points(), two, 2, 6, 0.05, 5, 300, 0);

        assertThat(resized.centers()).hasSize(3);
        assertThat(AdjustedRandIndex.compute(resized.labels(), blobs.labels())).isEqualTo(1.0);
    }

    @Test
    void shouldKeepTheFewestCentresAskedForOnDataWithoutGroups() {
        PlantedClusters one = PlantedClusters.generate(1, 20, 300, 10, 0.5, 3);
        KMeansFit four = KMeansPlusPlus.fit(one.points(), 4, 2, 2024);

        assertThat(KMeansPlusPlus.resize(one.points(), four, 2, 4, 0.05, 5, 300, 0).centers())
                .hasSize(2);
        assertThat(KMeansPlusPlus.resize(one.points(), four, 2, 4, 0.001, 5, 300, 0).centers())
                .as("a low enough bar keeps them")
                .hasSize(4);
    }

    /** The planted blob nearest to each centre. */
    private static List<Integer> plantedLabelsOf(List<double[]> centres) {
        List<Integer> labels = new ArrayList<>();
        for (double[] centre : centres) {
            int nearest = 0;
            for (int c = 1; c < BLOBS.centres().size(); c++) {
                if (Euclidean.squaredDistance(centre, BLOBS.centres().get(c))
                        < Euclidean.squaredDistance(centre, BLOBS.centres().get(nearest))) {
                    nearest = c;
                }
            }
            labels.add(nearest);
        }
        return labels;
    }
}
