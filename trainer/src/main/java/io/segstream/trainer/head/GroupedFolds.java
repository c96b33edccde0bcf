package io.segstream.trainer.head;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Splits rows into k folds so that every group (a product) lies in exactly one fold: a model is
 * then always tested on products it never saw, as a new product's reviews are in production. The
 * groups are shuffled by the seed and dealt, largest first, to the fold with fewest rows, so that
 * folds stay about equal even where one product has hundreds of reviews.
 */
public final class GroupedFolds {

    private GroupedFolds() {}

    /** The fold, 0 to k - 1, of each row; {@code groups[i]} is row i's group. */
    public static int[] assign(String[] groups, int k, long seed) {
        if (k < 2) {
            throw new IllegalArgumentException("At least 2 folds are needed, got " + k);
        }
        Map<String, List<Integer>> rowsByGroup = new LinkedHashMap<>();
        for (int i = 0; i < groups.length; i++) {
            rowsByGroup.computeIfAbsent(groups[i], g -> new ArrayList<>()).add(i);
        }
        if (rowsByGroup.size() < k) {
            throw new IllegalArgumentException(
                    rowsByGroup.size() + " groups cannot fill " + k + " folds");
        }
        List<List<Integer>> byGroup = new ArrayList<>(rowsByGroup.values());
        Collections.shuffle(byGroup, new Random(seed));
        // stable sort: equal sizes keep their shuffled order, so the seed still matters
        byGroup.sort((a, b) -> Integer.compare(b.size(), a.size()));
        int[] fold = new int[groups.length];
        int[] size = new int[k];
        for (List<Integer> rows : byGroup) {
            int smallest = 0;
            for (int f = 1; f < k; f++) {
                if (size[f] < size[smallest]) {
                    smallest = f;
                }
            }
            for (int row : rows) {
                fold[row] = smallest;
            }
            size[smallest] += rows.size();
        }
        return fold;
    }
}
