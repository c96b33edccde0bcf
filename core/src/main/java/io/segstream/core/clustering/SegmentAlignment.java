package io.segstream.core.clustering;

import java.util.List;

/**
 * Gives the centres of a re-fit the segment ids of the previous model's nearest centres, matched
 * one to one by the Hungarian method on squared distances, so that a segment keeps its id across
 * re-fits. Centres left without a partner (k grew) get new ids above every previous one.
 */
public final class SegmentAlignment {

    private SegmentAlignment() {}

    /**
     * The segment id of each of {@code centers}.
     *
     * @param previous the previous model's clusters, with centres already in the new feature space
     * @param centers the new centres
     */
    public static int[] align(List<Cluster> previous, List<double[]> centers) {
        int[] ids = new int[centers.size()];
        int nextId = previous.stream().mapToInt(Cluster::segmentId).max().orElse(-1) + 1;
        if (previous.isEmpty()) {
            for (int i = 0; i < ids.length; i++) {
                ids[i] = nextId++;
            }
            return ids;
        }
        boolean newAsRows = centers.size() <= previous.size();
        int rows = newAsRows ? centers.size() : previous.size();
        int cols = newAsRows ? previous.size() : centers.size();
        double[][] cost = new double[rows][cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                Cluster old = previous.get(newAsRows ? c : r);
                cost[r][c] = old.squaredDistanceTo(centers.get(newAsRows ? r : c));
            }
        }
        int[] match = Hungarian.solve(cost);
        java.util.Arrays.fill(ids, -1);
        for (int r = 0; r < rows; r++) {
            int newIndex = newAsRows ? r : match[r];
            int oldIndex = newAsRows ? match[r] : r;
            ids[newIndex] = previous.get(oldIndex).segmentId();
        }
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0) {
                ids[i] = nextId++;
            }
        }
        return ids;
    }
}
