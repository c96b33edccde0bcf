package io.segstream.trainer;

import io.segstream.core.clustering.KMeansFit;
import io.segstream.core.encoder.TextEncoder;
import io.segstream.core.features.FeatureSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a segment is, in words: the behavioural features that set it apart (mean z-score against all
 * training users), the product titles nearest to its text centroid, and a name made of both.
 */
public record SegmentExplanation(
        int segmentId,
        String name,
        long size,
        Map<String, Double> zScores,
        List<String> nearestTitles,
        String summary) {

    static final int TITLES = 5;

    /** Distinct titles compared with each text centroid, at most. */
    static final int TITLE_CANDIDATES = 5000;

    private static final Map<String, String[]> WORDS =
            Map.ofEntries(
                    Map.entry("recency_months_log", new String[] {"lapsed", "recent"}),
                    Map.entry("orders_log", new String[] {"frequent", "one-off"}),
                    Map.entry("spend_log", new String[] {"high-spend", "low-spend"}),
                    Map.entry("avg_order_value_log", new String[] {"big-basket", "small-basket"}),
                    Map.entry("views_log", new String[] {"browsing", "non-browsing"}),
                    Map.entry("searches_log", new String[] {"searching", "non-searching"}),
                    Map.entry("carts_log", new String[] {"cart-filling", "no-cart"}),
                    Map.entry("return_rate", new String[] {"returning", "keeping"}),
                    Map.entry("cart_conversion", new String[] {"converting", "cart-abandoning"}),
                    Map.entry(
                            "events_per_session_log",
                            new String[] {"long-session", "short-session"}),
                    Map.entry("mean_log_price", new String[] {"premium", "budget"}),
                    Map.entry("tenure_days_log", new String[] {"long-standing", "new"}),
                    Map.entry(
                            "negative_reviews_log",
                            new String[] {"unhappy-reviewing", "uncomplaining"}),
                    Map.entry("review_negativity", new String[] {"critical", "approving"}));

    static List<SegmentExplanation> of(
            TrainingSet set,
            List<double[]> points,
            int[] segments,
            KMeansFit fit,
            int[] ids,
            FeatureSpec spec,
            TextEncoder encoder) {
        int b = spec.behaviourDimension();
        int d = spec.textDimension();
        List<String> candidates = candidateTitles(set);
        List<float[]> embeddings =
                candidates.isEmpty() ? List.of() : encoder.encodeBatch(candidates);
        // titles are matched to what sets a segment apart: its text centroid minus everyone's
        double[] everyone = new double[d];
        for (double[] raw : set.raw()) {
            for (int j = 0; j < d; j++) {
                everyone[j] += raw[b + j] / set.size();
            }
        }
        List<SegmentExplanation> out = new ArrayList<>();
        for (int c = 0; c < fit.k(); c++) {
            int id = ids[c];
            double[] z = new double[b];
            double[] text = new double[d];
            long n = 0;
            for (int i = 0; i < points.size(); i++) {
                if (segments[i] == id) {
                    n++;
                    for (int j = 0; j < b; j++) {
                        z[j] += points.get(i)[j];
                    }
                    double[] raw = set.raw().get(i);
                    for (int j = 0; j < d; j++) {
                        text[j] += raw[b + j];
                    }
                }
            }
            Map<String, Double> zScores = new java.util.LinkedHashMap<>();
            for (int j = 0; j < b; j++) {
                zScores.put(spec.names().get(j), n == 0 ? 0 : z[j] / n);
            }
            for (int j = 0; j < d; j++) {
                text[j] = n == 0 ? 0 : text[j] / n - everyone[j];
            }
            List<String> titles = nearest(text, everyone, candidates, embeddings);
            String name = name(zScores, titles);
            out.add(new SegmentExplanation(id, name, n, zScores, titles, summary(zScores, titles)));
        }
        out.sort(Comparator.comparingLong(SegmentExplanation::size).reversed());
        return out;
    }

    /** Two strongest traits and the nearest title, e.g. "frequent premium · gold watch". */
    static String name(Map<String, Double> zScores, List<String> titles) {
        List<String> traits =
                zScores.entrySet().stream()
                        .filter(e -> Math.abs(e.getValue()) >= 0.3)
                        .sorted(Comparator.comparingDouble(e -> -Math.abs(e.getValue())))
                        .limit(2)
                        .map(e -> WORDS.get(e.getKey())[e.getValue() > 0 ? 0 : 1])
                        .toList();
        String words = traits.isEmpty() ? "typical" : String.join(" ", traits);
        return words
                + " customers"
                + (titles.isEmpty() ? "" : " · " + titles.get(0).toLowerCase(Locale.ROOT));
    }

    private static String summary(Map<String, Double> zScores, List<String> titles) {
        StringBuilder s = new StringBuilder();
        zScores.entrySet().stream()
                .sorted(Comparator.comparingDouble(e -> -Math.abs(e.getValue())))
                .limit(4)
                .forEach(
                        e ->
                                s.append(
                                        String.format(
                                                Locale.ROOT,
                                                "%s %+.2f sd; ",
                                                e.getKey(),
                                                e.getValue())));
        s.append("nearest titles: ").append(String.join(" | ", titles));
        return s.toString();
    }

    private static List<String> candidateTitles(TrainingSet set) {
        LinkedHashSet<String> distinct = new LinkedHashSet<>();
        for (List<String> t : set.titles().values()) {
            for (String title : t) {
                if (distinct.size() >= TITLE_CANDIDATES) {
                    return List.copyOf(distinct);
                }
                distinct.add(title);
            }
        }
        return List.copyOf(distinct);
    }

    private static List<String> nearest(
            double[] direction, double[] everyone, List<String> titles, List<float[]> embeddings) {
        double norm = Math.sqrt(java.util.Arrays.stream(direction).map(v -> v * v).sum());
        if (norm == 0 || titles.isEmpty()) {
            return List.of();
        }
        List<Integer> order = new ArrayList<>();
        double[] cosine = new double[titles.size()];
        for (int t = 0; t < titles.size(); t++) {
            float[] e = embeddings.get(t);
            double dot = 0;
            double length = 0;
            for (int j = 0; j < e.length; j++) {
                double centred = e[j] - everyone[j];
                dot += centred * direction[j];
                length += centred * centred;
            }
            cosine[t] = dot / (norm * Math.max(1e-12, Math.sqrt(length)));
            order.add(t);
        }
        order.sort(Comparator.comparingDouble(t -> -cosine[t]));
        return order.stream().limit(TITLES).map(titles::get).toList();
    }
}
