package io.segstream.cli.demo;

import io.segstream.schemas.SegmentChange;
import io.segstream.schemas.SegmentChangeType;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Each segment's volatility per day of event time, read from the replay's change events: the adds
 * and drops of a day over the segment's members at the day's end (mParticle's audience health
 * figure), averaged over the days the segment had members. A first assignment is a new customer
 * rather than a segment that flaps and is left out of the adds, as in the app's gauge.
 */
final class SegmentVolatility {

    private static final long DAY_MS = 86_400_000L;

    private SegmentVolatility() {}

    /** Segment id to its mean daily volatility (a share). */
    static Map<Integer, Double> meanDaily(List<SegmentChange> changes) {
        List<SegmentChange> inTime =
                changes.stream().sorted(Comparator.comparing(SegmentChange::getEventTime)).toList();
        Map<Integer, Long> members = new HashMap<>();
        Map<Integer, Long> moves = new HashMap<>();
        Map<Integer, double[]> sums = new TreeMap<>(); // segment -> {sum of daily shares, days}
        long day = Long.MIN_VALUE;
        for (SegmentChange c : inTime) {
            long d = Math.floorDiv(c.getEventTime().toEpochMilli(), DAY_MS);
            if (d != day) {
                close(members, moves, sums);
                day = d;
            }
            Integer from = c.getPreviousSegment();
            Integer to = c.getNewSegment();
            if (from != null) {
                members.merge(from, -1L, Long::sum);
            }
            if (to != null) {
                members.merge(to, 1L, Long::sum);
            }
            if (c.getChangeType() != SegmentChangeType.FIRST_ASSIGNMENT && from != null) {
                moves.merge(from, 1L, Long::sum);
                if (to != null) {
                    moves.merge(to, 1L, Long::sum);
                }
            }
        }
        close(members, moves, sums);
        Map<Integer, Double> out = new TreeMap<>();
        sums.forEach((segment, s) -> out.put(segment, s[0] / s[1]));
        return out;
    }

    /** The demo's line, e.g. "0 1.2 % · 1 0.4 %". */
    static String line(Map<Integer, Double> volatility) {
        return volatility.entrySet().stream()
                .map(e -> String.format(Locale.ROOT, "%d %.1f %%", e.getKey(), 100 * e.getValue()))
                .collect(Collectors.joining(" · "));
    }

    private static void close(
            Map<Integer, Long> members, Map<Integer, Long> moves, Map<Integer, double[]> sums) {
        members.forEach(
                (segment, n) -> {
                    if (n > 0) {
                        double[] s = sums.computeIfAbsent(segment, x -> new double[2]);
                        s[0] += moves.getOrDefault(segment, 0L) / (double) n;
                        s[1]++;
                    }
                });
        moves.clear();
    }
}
