package io.segstream.core.clustering;

import java.util.Arrays;
import java.util.List;

/**
 * Gives the centres of a re-fit the segment ids of the previous model's segments, matched one to
 * one by the Hungarian method, so that a segment keeps its id across re-fits. Centres left without
 * a partner (k grew) get new ids above every previous one.
 *
 * <p>Where the members' current segments are known, a match keeps as many of them in their segment
 * as possible, and distance between centres only breaks ties. Matching by distance alone relabelled
 * whole groups: in a replay every profile's tenure and counts grow between two re-fits, so an old
 * centre mapped into the new scaling can lie nearer another group's new centre than its own. Each
 * such relabel moved a fifth of the demo's users at once.
 */
public final class SegmentAlignment {

    private SegmentAlignment() {}

    /**
     * The segment id of each of {@code centers}, matched by distance alone.
     *
     * @param previous the previous model's clusters, with centres already in the new feature space
     * @param centers the new centres
     */
    public static int[] align(List<Cluster> previous, List<double[]> centers) {
        return align(previous, centers, new int[0], new int[0]);
    }

    /**
     * The segment id of each of {@code centers}, matched to keep the most members in their segment.
     *
     * @param previous the previous model's clusters, with centres already in the new feature space
     * @param centers the new centres
     * @param labels for each member, the index into {@code centers} of its new centre
     * @param current for each member, its current segment id; negative for none
     */
    public static int[] align(
            List<Cluster> previous, List<double[]> centers, int[] labels, int[] current) {
        if (labels.length != current.length) {
            throw new IllegalArgumentException(
                    labels.length + " labels but " + current.length + " current segments");
        }
        int[] ids = new int[centers.size()];
        int nextId = previous.stream().mapToInt(Cluster::segmentId).max().orElse(-1) + 1;
        if (previous.isEmpty()) {
            for (int i = 0; i < ids.length; i++) {
                ids[i] = nextId++;
            }
            return ids;
        }
        double[][] kept = overlap(previous, centers.size(), labels, current);
        double[][] distance = new double[centers.size()][previous.size()];
        double farthest = 0;
        for (int n = 0; n < centers.size(); n++) {
            for (int o = 0; o < previous.size(); o++) {
                distance[n][o] = previous.get(o).squaredDistanceTo(centers.get(n));
                farthest = Math.max(farthest, distance[n][o]);
            }
        }
        boolean newAsRows = centers.size() <= previous.size();
        int rows = newAsRows ? centers.size() : previous.size();
        int cols = newAsRows ? previous.size() : centers.size();
        double[][] cost = new double[rows][cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                int n = newAsRows ? r : c;
                int o = newAsRows ? c : r;
                // one member outweighs every difference in distance: these add up to less than 1
                cost[r][c] = -kept[n][o] + distance[n][o] / (farthest + 1e-12) / (rows + 1);
            }
        }
        int[] match = Hungarian.solve(cost);
        Arrays.fill(ids, -1);
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

    /** How many members of each previous segment each new centre holds. */
    private static double[][] overlap(
            List<Cluster> previous, int centers, int[] labels, int[] current) {
        double[][] kept = new double[centers][previous.size()];
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= centers) {
                throw new IllegalArgumentException(
                        "label " + labels[i] + " is not a centre index in [0, " + centers + ")");
            }
            for (int o = 0; o < previous.size(); o++) {
                if (previous.get(o).segmentId() == current[i]) {
                    kept[labels[i]][o]++;
                    break;
                }
            }
        }
        return kept;
    }
}
