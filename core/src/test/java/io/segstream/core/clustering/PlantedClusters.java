package io.segstream.core.clustering;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Gaussian blobs with known labels, shuffled, for tests that must recover a planted partition.
 * Deterministic for a seed.
 */
record PlantedClusters(List<double[]> centres, List<double[]> points, int[] labels) {

    /**
     * {@code k} centres drawn uniformly from {@code [-spread, spread]^dimension}, {@code
     * perCluster} points around each with standard deviation {@code sd} per axis, in random order.
     */
    static PlantedClusters generate(
            int k, int dimension, int perCluster, double spread, double sd, long seed) {
        Random random = new Random(seed);
        List<double[]> centres = new ArrayList<>();
        for (int c = 0; c < k; c++) {
            double[] centre = new double[dimension];
            for (int j = 0; j < dimension; j++) {
                centre[j] = (2 * random.nextDouble() - 1) * spread;
            }
            centres.add(centre);
        }
        int n = k * perCluster;
        double[][] points = new double[n][];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i / perCluster;
            double[] centre = centres.get(labels[i]);
            points[i] = new double[dimension];
            for (int j = 0; j < dimension; j++) {
                points[i][j] = centre[j] + sd * random.nextGaussian();
            }
        }
        for (int i = n - 1; i > 0; i--) {
            int swap = random.nextInt(i + 1);
            double[] p = points[i];
            points[i] = points[swap];
            points[swap] = p;
            int label = labels[i];
            labels[i] = labels[swap];
            labels[swap] = label;
        }
        return new PlantedClusters(centres, List.of(points), labels);
    }

    /** The smallest distance between two planted centres, to check a test's data is as meant. */
    double minimumCentreDistance() {
        double min = Double.POSITIVE_INFINITY;
        for (int a = 0; a < centres.size(); a++) {
            for (int b = a + 1; b < centres.size(); b++) {
                min =
                        Math.min(
                                min,
                                Math.sqrt(
                                        Euclidean.squaredDistance(centres.get(a), centres.get(b))));
            }
        }
        return min;
    }
}
