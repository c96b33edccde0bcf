package io.segstream.core.clustering;

import java.util.List;
import java.util.Objects;

/**
 * The model after one {@link MiniBatchUpdate}, and which segments were reseeded, so the coordinator
 * can log and count them (a reseeded segment's users will drift to it over the next batches).
 *
 * @param clusters the updated centroids, in the order they were given
 * @param reseeded ids of the segments whose centroid was moved next to the heaviest, ascending
 */
public record UpdateResult(List<Cluster> clusters, List<Integer> reseeded) {

    public UpdateResult {
        clusters = List.copyOf(Objects.requireNonNull(clusters, "clusters"));
        reseeded = List.copyOf(Objects.requireNonNull(reseeded, "reseeded"));
    }
}
