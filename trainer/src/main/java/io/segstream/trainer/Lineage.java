package io.segstream.trainer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What became of the previous model's segments, from who moved where: an old segment whose users
 * mostly (>= 20 %) went to one new segment of its own id is kept, to several is split, to none that
 * it feeds alone is merged; a new segment fed by no old one is born, an old one feeding nothing
 * died.
 */
public record Lineage(
        List<Integer> kept,
        Map<Integer, List<Integer>> split,
        Map<Integer, List<Integer>> merged,
        List<Integer> born,
        List<Integer> died,
        double sameId) {

    static final double SHARE = 0.2;

    /** From the old and new segment of each user. */
    public static Lineage of(int[] oldSegments, int[] newSegments) {
        Map<Integer, Map<Integer, Integer>> flows = new TreeMap<>();
        Map<Integer, Integer> oldSizes = new TreeMap<>();
        TreeSet<Integer> newIds = new TreeSet<>();
        int same = 0;
        for (int i = 0; i < oldSegments.length; i++) {
            flows.computeIfAbsent(oldSegments[i], o -> new TreeMap<>())
                    .merge(newSegments[i], 1, Integer::sum);
            oldSizes.merge(oldSegments[i], 1, Integer::sum);
            newIds.add(newSegments[i]);
            if (oldSegments[i] == newSegments[i]) {
                same++;
            }
        }
        Map<Integer, List<Integer>> feeds = new TreeMap<>(); // old -> its main destinations
        Map<Integer, List<Integer>> fedBy = new TreeMap<>(); // new -> its main sources
        flows.forEach(
                (o, to) ->
                        to.forEach(
                                (n, count) -> {
                                    if (count >= SHARE * oldSizes.get(o)) {
                                        feeds.computeIfAbsent(o, x -> new ArrayList<>()).add(n);
                                        fedBy.computeIfAbsent(n, x -> new ArrayList<>()).add(o);
                                    }
                                }));
        List<Integer> kept = new ArrayList<>();
        Map<Integer, List<Integer>> split = new TreeMap<>();
        Map<Integer, List<Integer>> merged = new TreeMap<>();
        List<Integer> died = new ArrayList<>();
        for (int o : oldSizes.keySet()) {
            List<Integer> to = feeds.getOrDefault(o, List.of());
            if (to.isEmpty()) {
                died.add(o);
            } else if (to.size() > 1) {
                split.put(o, to);
            } else if (fedBy.get(to.get(0)).size() == 1) {
                kept.add(o);
            }
        }
        fedBy.forEach(
                (n, from) -> {
                    if (from.size() > 1) {
                        merged.put(n, from);
                    }
                });
        List<Integer> born = newIds.stream().filter(n -> !fedBy.containsKey(n)).toList();
        return new Lineage(
                kept,
                split,
                merged,
                born,
                died,
                oldSegments.length == 0 ? 1 : (double) same / oldSegments.length);
    }
}
