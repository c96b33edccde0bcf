package io.segstream.core.clustering;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The online loop end to end, as the streams app and coordinator run it: seed with k-means++, then
 * per mini-batch assign with hysteresis, accumulate deltas and apply the decayed update. The model
 * must find planted clusters it never saw whole.
 */
class OnlineKMeansConvergenceTest {

    private static final int K = 5;
    private static final int DIMENSION = 8;
    private static final int POINTS = 5_000;
    private static final int SEED_POINTS = 200;
    private static final int BATCH = 100;
    private static final long SEED = 20_260_101L;

    /** sd 1 blobs, centres uniform in [-10, 10]^8, shuffled. */
    private static final PlantedClusters DATA =
            PlantedClusters.generate(K, DIMENSION, POINTS / K, 10, 1, SEED);

    @Test
    void shouldRecoverPlantedClustersFromAStream() {
        List<double[]> seedPoints = DATA.points().subList(0, SEED_POINTS);
        List<Cluster> seeded = initialModel(KMeansPlusPlus.seed(seedPoints, K, SEED), seedPoints);

        Run run = stream(seeded, 1);

        System.out.printf(
                "online mini-batch k-means: ARI %.4f against planted labels, %d reseeds,"
                        + " centroid error %.3f (seeds %.3f)%n",
                run.ari, run.reseeds, centroidError(run.model), centroidError(seeded));
        assertThat(run.ari).isGreaterThanOrEqualTo(0.9);
        // the seeds are single points, about sqrt(8) = 2.8 from their blob's centre; the
        // decayed means of a few hundred points each must land far closer
        assertThat(centroidError(run.model)).isLessThan(0.5);
    }

    @Test
    void shouldReseedADeadCentroidIntoTwoMergedClusters() {
        // centroids on planted clusters 0-2, one halfway between 3 and 4 (it absorbs both) and
        // one far from all data: it gets no points, decays below the reseed threshold, is moved
        // next to the heaviest (the merged pair) and the two then split the pair
        List<double[]> planted = DATA.centres();
        double[] far = new double[DIMENSION];
        Arrays.fill(far, 100);
        double[] between = new double[DIMENSION];
        for (int j = 0; j < DIMENSION; j++) {
            between[j] = (planted.get(3)[j] + planted.get(4)[j]) / 2;
        }
        List<Cluster> model =
                List.of(
                        new Cluster(0, planted.get(0), 40),
                        new Cluster(1, planted.get(1), 40),
                        new Cluster(2, planted.get(2), 40),
                        new Cluster(3, between, 80),
                        new Cluster(4, far, 40));

        Run run = stream(model, 1);

        System.out.printf(
                "dead centroid: ARI %.4f after %d reseeds, centroid error %.3f%n",
                run.ari, run.reseeds, centroidError(run.model));
        assertThat(run.reseeds).isPositive();
        assertThat(run.ari).isGreaterThanOrEqualTo(0.9);
    }

    @Test
    void shouldKeepRecurringUsersSettledOnceTheModelConverges() {
        // every user appears three times; by the last pass the centroids barely move and
        // hysteresis should leave almost everyone where they are
        List<double[]> seedPoints = DATA.points().subList(0, SEED_POINTS);
        Run run = stream(initialModel(KMeansPlusPlus.seed(seedPoints, K, SEED), seedPoints), 3);

        System.out.printf(
                "three passes: ARI %.4f, %d of %d users moved in the last pass%n",
                run.ari, run.changesInLastPass, POINTS);
        assertThat(run.ari).isGreaterThanOrEqualTo(0.9);
        assertThat(run.changesInLastPass).isLessThan(POINTS / 100);
    }

    /** Streams every point {@code passes} times in mini-batches through the online loop. */
    private static Run stream(List<Cluster> initial, int passes) {
        List<double[]> points = DATA.points();
        assertThat(DATA.minimumCentreDistance()).isGreaterThan(6); // blobs separable at sd 1
        List<Cluster> model = initial;
        NearestCentroid assigner = new NearestCentroid(0.1);
        MiniBatchUpdate update = MiniBatchUpdate.forHalfLife(10, 0.05, SEED);
        DeltaAccumulator accumulator = new DeltaAccumulator();
        Integer[] current = new Integer[POINTS];
        int reseeds = 0;
        int changesInLastPass = 0;
        for (int pass = 0; pass < passes; pass++) {
            for (int start = 0; start < POINTS; start += BATCH) {
                for (int i = start; i < Math.min(start + BATCH, POINTS); i++) {
                    Assignment assignment = assigner.assign(points.get(i), model, current[i]);
                    if (assignment.changed() && current[i] != null && pass == passes - 1) {
                        changesInLastPass++;
                    }
                    current[i] = assignment.segmentId();
                    accumulator.add(assignment.segmentId(), points.get(i));
                }
                UpdateResult result = update.apply(model, accumulator.drain());
                model = result.clusters();
                reseeds += result.reseeded().size();
            }
        }

        NearestCentroid nearest = new NearestCentroid(0);
        int[] labels = new int[POINTS];
        for (int i = 0; i < POINTS; i++) {
            labels[i] = nearest.assign(points.get(i), model, null).segmentId();
        }
        return new Run(
                model,
                AdjustedRandIndex.compute(labels, DATA.labels()),
                reseeds,
                changesInLastPass);
    }

    /** The largest distance from a planted centre to the nearest centroid of the model. */
    private static double centroidError(List<Cluster> model) {
        double worst = 0;
        for (double[] planted : DATA.centres()) {
            double nearest = Double.POSITIVE_INFINITY;
            for (Cluster cluster : model) {
                nearest = Math.min(nearest, cluster.squaredDistanceTo(planted));
            }
            worst = Math.max(worst, Math.sqrt(nearest));
        }
        return worst;
    }

    /** Segment ids 0..k-1; each weight is the number of seed points nearest to that centre. */
    private static List<Cluster> initialModel(List<double[]> centres, List<double[]> seedPoints) {
        double[] weights = new double[centres.size()];
        List<Cluster> unweighted = new ArrayList<>();
        for (int c = 0; c < centres.size(); c++) {
            unweighted.add(new Cluster(c, centres.get(c), 0));
        }
        NearestCentroid nearest = new NearestCentroid(0);
        for (double[] p : seedPoints) {
            weights[nearest.assign(p, unweighted, null).segmentId()]++;
        }
        assertThat(Arrays.stream(weights).sum()).isEqualTo(seedPoints.size());
        List<Cluster> model = new ArrayList<>();
        for (Cluster cluster : unweighted) {
            model.add(cluster.withWeight(weights[cluster.segmentId()]));
        }
        return model;
    }

    private record Run(List<Cluster> model, double ari, int reseeds, int changesInLastPass) {}
}
