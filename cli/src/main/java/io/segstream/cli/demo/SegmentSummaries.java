package io.segstream.cli.demo;

import io.segstream.core.profile.ProfileSettings;
import io.segstream.core.profile.UserProfile;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Builds the segment table from the final profiles: RFM means read at the end of the replay, the
 * title terms that are over-represented in each segment's purchases, and an automatic name from
 * both, e.g. "frequent high spenders · candle, holder".
 */
final class SegmentSummaries {

    private static final double DAY = 86_400_000.0;

    /** Below this mean of (decayed) orders a segment is named for browsing, not for its RFM. */
    static final double NON_BUYER_ORDERS = 0.2;

    private static final Set<String> STOP_WORDS =
            Set.of(
                    "set",
                    "of",
                    "the",
                    "and",
                    "with",
                    "in",
                    "for",
                    "pack",
                    "small",
                    "large",
                    "mini",
                    "jumbo",
                    "red",
                    "pink",
                    "blue",
                    "white",
                    "green",
                    "black",
                    "ivory",
                    "cream",
                    "assorted",
                    "colour",
                    "design",
                    "vintage",
                    "retrospot",
                    "polkadot",
                    "box",
                    "bag",
                    "sign");

    private final ProfileSettings settings;
    private final long asOf;
    private final Map<Integer, List<UserProfile>> bySegment = new HashMap<>();
    private final Map<Integer, Map<String, Integer>> segmentTerms = new HashMap<>();
    private final Map<String, Integer> allTerms = new HashMap<>();
    private final Map<Integer, Long> changesIn = new HashMap<>();
    private long users;

    SegmentSummaries(ProfileSettings settings, long asOf) {
        this.settings = settings;
        this.asOf = asOf;
    }

    void addUser(UserProfile profile, List<String> titles) {
        if (profile.segment() == UserProfile.NO_SEGMENT) {
            return;
        }
        users++;
        bySegment.computeIfAbsent(profile.segment(), s -> new ArrayList<>()).add(profile);
        Map<String, Integer> terms =
                segmentTerms.computeIfAbsent(profile.segment(), s -> new HashMap<>());
        for (String title : titles) {
            for (String word : title.toLowerCase(Locale.ROOT).split("[^a-z]+")) {
                if (word.length() >= 3 && !STOP_WORDS.contains(word)) {
                    terms.merge(word, 1, Integer::sum);
                    allTerms.merge(word, 1, Integer::sum);
                }
            }
        }
    }

    void addChange(Integer newSegment) {
        if (newSegment != null) {
            changesIn.merge(newSegment, 1L, Long::sum);
        }
    }

    SegmentTable table() {
        double allOrders =
                mean(bySegment.values().stream().flatMap(List::stream).toList(), this::orders);
        double allSpend =
                mean(bySegment.values().stream().flatMap(List::stream).toList(), this::spend);
        double allRecency =
                mean(bySegment.values().stream().flatMap(List::stream).toList(), this::recencyDays);
        List<SegmentTable.Row> rows = new ArrayList<>();
        for (var e : bySegment.entrySet()) {
            List<UserProfile> ps = e.getValue();
            double orders = mean(ps, this::orders);
            double spend = mean(ps, this::spend);
            double recency = mean(ps, this::recencyDays);
            List<String> terms = topTerms(e.getKey(), 3);
            String name =
                    (orders < NON_BUYER_ORDERS
                                    ? "browsers who do not buy"
                                    : rfmName(
                                            orders / allOrders,
                                            spend / allSpend,
                                            recency / allRecency))
                            + (terms.isEmpty()
                                    ? ""
                                    : " · "
                                            + String.join(
                                                    ", ",
                                                    terms.subList(0, Math.min(2, terms.size()))));
            rows.add(
                    new SegmentTable.Row(
                            e.getKey(),
                            name,
                            ps.size(),
                            recency,
                            orders,
                            spend,
                            terms,
                            changesIn.getOrDefault(e.getKey(), 0L),
                            mean(ps, p -> p.reviews() > 0 ? 1 : 0),
                            ps.stream()
                                    .mapToDouble(UserProfile::meanReviewNegativity)
                                    .filter(v -> !Double.isNaN(v))
                                    .average()
                                    .orElse(Double.NaN)));
        }
        rows.sort(Comparator.comparingLong(SegmentTable.Row::size).reversed());
        return new SegmentTable(rows, users);
    }

    static String rfmName(double ordersRatio, double spendRatio, double recencyRatio) {
        String frequency =
                ordersRatio > 1.5 ? "frequent" : ordersRatio < 0.67 ? "occasional" : "regular";
        String spend =
                spendRatio > 1.5
                        ? "high spenders"
                        : spendRatio < 0.67 ? "low spenders" : "mid spenders";
        String recency = recencyRatio > 1.5 ? "lapsing " : recencyRatio < 0.67 ? "recent " : "";
        return recency + frequency + " " + spend;
    }

    /**
     * Terms most over-represented in the segment (share in segment x log of lift over everyone).
     */
    private List<String> topTerms(int segment, int n) {
        Map<String, Integer> terms = segmentTerms.getOrDefault(segment, Map.of());
        double segTotal = terms.values().stream().mapToInt(Integer::intValue).sum();
        double allTotal = allTerms.values().stream().mapToInt(Integer::intValue).sum();
        return terms.entrySet().stream()
                .filter(t -> t.getValue() >= 3)
                .map(
                        t ->
                                Map.entry(
                                        t.getKey(),
                                        t.getValue()
                                                / segTotal
                                                * Math.log(
                                                        (t.getValue() / segTotal)
                                                                / (allTerms.get(t.getKey())
                                                                        / allTotal))))
                .filter(t -> t.getValue() > 0)
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .limit(n)
                .map(Map.Entry::getKey)
                .toList();
    }

    private double decay(UserProfile p) {
        return settings.decay(asOf - p.lastEventTime());
    }

    private double orders(UserProfile p) {
        return p.orders() * decay(p);
    }

    private double spend(UserProfile p) {
        return p.spend() * decay(p);
    }

    /** Days since the last order, or since first seen for those who never ordered. */
    private double recencyDays(UserProfile p) {
        long last = p.lastOrderTime() == UserProfile.NEVER ? p.firstEventTime() : p.lastOrderTime();
        return Math.max(0, (asOf - last) / DAY);
    }

    private static double mean(
            List<UserProfile> ps, java.util.function.ToDoubleFunction<UserProfile> f) {
        return ps.stream().mapToDouble(f).average().orElse(0);
    }
}
